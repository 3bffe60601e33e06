using System.Net;

namespace Glm4vSK.Connector;

/// <summary>
/// A remote GLM server refused or failed a request: an HTTP error status (<see cref="HttpRequestException.StatusCode"/>),
/// or an error event inside a stream (status null). <see cref="ServerMessage"/> is the server's own message (vLLM:
/// <c>{"error": {"message": …}}</c> or <c>{"object": "error", "message": …}</c>; FastAPI: <c>{"detail": …}</c>).
/// </summary>
public sealed class Glm4vRemoteException : HttpRequestException
{
    public Glm4vRemoteException(string message, HttpStatusCode? statusCode, string serverMessage, string? responseBody, Exception? inner = null)
        : base(message, inner, statusCode)
    {
        ServerMessage = serverMessage;
        ResponseBody = responseBody;
    }

    /// <summary>The message the server gave (or its whole body, cut to 4,000 characters, when it gave no JSON message).</summary>
    public string ServerMessage { get; }

    /// <summary>The raw error body (at most 64 KiB), when there was one.</summary>
    public string? ResponseBody { get; }
}
