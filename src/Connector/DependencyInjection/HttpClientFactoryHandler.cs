namespace Glm4vSK.Connector;

/// <summary>
/// The handler of a long-lived remote client's <see cref="HttpClient"/>: each request is sent through the handler
/// chain the factory gives <paramref name="name"/> at that moment, so a singleton chat client still follows the
/// factory's handler rotation and gets the handlers added to the name (resilience, logging, headers).
/// </summary>
internal sealed class HttpClientFactoryHandler(IHttpMessageHandlerFactory factory, string name) : HttpMessageHandler
{
    // An invoker, not factory.CreateClient(name): an HttpClient refuses a request another HttpClient already sent.
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        new HttpMessageInvoker(factory.CreateHandler(name), disposeHandler: false).SendAsync(request, cancellationToken);
}
