using System.Runtime.CompilerServices;
using Glm4vSK.Server.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.Tests;

/// <summary>A client that hangs up mid-stream cancels its generation: the client's token fires.</summary>
public sealed class DisconnectTests
{
    sealed class EndlessClient : IChatClient
    {
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using var _ = cancellationToken.Register(() => Cancelled.TrySetResult());
            while (true)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, "tick ");
                await Task.Delay(20, cancellationToken);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }

    [Fact]
    public async Task Hanging_up_mid_stream_cancels_the_generation()
    {
        var endless = new EndlessClient();
        await using var server = await TestServer.StartAsync(endless);
        using (var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.Root })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = Sse.Json("""{"model":"test-model","stream":true,"messages":[{"role":"user","content":"go"}]}"""),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            for (int data = 0; data < 3;) if ((await reader.ReadLineAsync())!.StartsWith("data: ", StringComparison.Ordinal)) data++;
        } // the connection closes here
        await endless.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
