using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// <see cref="Glm4vRemoteChatClient"/> against misbehaving servers on 127.0.0.1: bodies and events larger than the
/// configured caps, and servers that stall. Each must end in a typed <see cref="Glm4vRemoteException"/> that names the
/// setting, never in unbounded buffering or a hang. The <c>WaitAsync</c> bounds only keep a regression from hanging the
/// suite; nothing here asserts timing.
/// </summary>
public sealed class RemoteLimitsTests
{
    static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    static readonly TimeSpan ServerLifetime = TimeSpan.FromSeconds(25);

    static List<ChatMessage> Ask() => [new ChatMessage(ChatRole.User, "Hi")];

    static Glm4vRemoteChatClient Client(FakeChatServer server, Glm4vRemoteOptions? options = null) =>
        new(server.BaseUri, null, VllmWire.Model, options);

    static FakeChatServer Serve(Func<Stream, CancellationToken, Task> write) =>
        new((_, _) => new RawReply(write), lifetime: ServerLifetime);

    static async Task<List<ChatResponseUpdate>> StreamAsync(IChatClient client, List<ChatResponseUpdate>? seen = null, CancellationToken ct = default)
    {
        seen ??= [];
        await foreach (var u in client.GetStreamingResponseAsync(Ask(), null, ct)) seen.Add(u);
        return seen;
    }

    static string Reasoning(IEnumerable<AIContent> contents) => string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text));

    static Task WriteAsync(Stream stream, string text, CancellationToken ct) => stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct).AsTask();

    const string SseHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";

    /// <summary>Writes <paramref name="total"/> bytes of <paramref name="fill"/> in 64 KiB pieces, stopping when the client goes away.</summary>
    static async Task FloodAsync(Stream stream, byte[] fill, long total, CancellationToken ct)
    {
        try
        {
            for (long sent = 0; sent < total; sent += fill.Length) await stream.WriteAsync(fill, ct);
        }
        catch (IOException) { } // the client gave up: what the test wants
    }

    static byte[] Repeat(string piece, int bytes)
    {
        var sb = new StringBuilder();
        while (sb.Length + piece.Length <= bytes) sb.Append(piece);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    // ---- sizes ----

    [Fact]
    public async Task An_sse_line_that_never_ends_fails_with_the_event_size_limit_at_its_default()
    {
        // 32 MiB of one "data:" line with no newline (a real attack sends forever; 32 MiB is far past the 1 MiB default)
        await using var server = Serve(async (s, ct) =>
        {
            await WriteAsync(s, SseHead + "data: {\"id\":\"", ct);
            await FloodAsync(s, Repeat("x", 64 * 1024), 32L * 1024 * 1024, ct);
        });
        using var client = Client(server);
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => StreamAsync(client).WaitAsync(Guard));
        Assert.Contains(nameof(Glm4vRemoteOptions.MaxEventBytes), e.Message);
        Assert.Contains((1024 * 1024).ToString(), e.Message);
    }

    [Fact]
    public async Task Many_short_data_lines_without_a_blank_line_count_as_one_event()
    {
        await using var server = Serve(async (s, ct) =>
        {
            await WriteAsync(s, SseHead, ct);
            await FloodAsync(s, Repeat("data: 0123456789abcdef\n", 64 * 1024), 16L * 1024 * 1024, ct);
        });
        using var client = Client(server, new Glm4vRemoteOptions { MaxEventBytes = 256 * 1024 });
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => StreamAsync(client).WaitAsync(Guard));
        Assert.Contains(nameof(Glm4vRemoteOptions.MaxEventBytes), e.Message);
    }

    [Theory]
    [InlineData(8192, true)]
    [InlineData(2048, false)]
    public async Task An_event_under_the_cap_passes_and_one_over_it_fails(int cap, bool passes)
    {
        string text = new('a', 3000);
        await using var server = new FakeChatServer(new SseReply([
            VllmWire.Chunk(new JsonObject { ["reasoning_content"] = "short" }),
            VllmWire.Chunk(new JsonObject { ["content"] = text }),
            VllmWire.Chunk(new JsonObject(), "stop"), VllmWire.Done]));
        using var client = Client(server, new Glm4vRemoteOptions { MaxEventBytes = cap });
        if (passes)
        {
            var response = (await StreamAsync(client)).ToChatResponse();
            Assert.Equal("short", Reasoning(response.Messages[0].Contents));
            Assert.Equal(text, response.Text);
        }
        else
        {
            var seen = new List<ChatResponseUpdate>();
            var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => StreamAsync(client, seen));
            Assert.Contains(nameof(Glm4vRemoteOptions.MaxEventBytes), e.Message);
            Assert.Equal("short", Reasoning(seen.SelectMany(u => u.Contents)));
        }
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task Events_are_read_with_any_line_end_comments_and_multi_line_data(string eol)
    {
        string first = VllmWire.Chunk(new JsonObject { ["content"] = "a" });
        string split = VllmWire.Chunk(new JsonObject { ["content"] = "b" }, "stop").Replace(",", "," + eol + "data: ");
        await using var server = Serve(async (s, ct) =>
        {
            await WriteAsync(s, SseHead + $": keep-alive{eol}{eol}event: message{eol}data: {first}{eol}{eol}data:{split}{eol}{eol}data: [DONE]{eol}{eol}", ct);
        });
        using var client = Client(server, new Glm4vRemoteOptions { EnableThinking = false });
        var response = (await StreamAsync(client)).ToChatResponse();
        Assert.Equal("ab", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task A_last_event_cut_off_by_the_end_of_the_stream_is_dropped_as_the_sse_spec_says()
    {
        // The WHATWG rule SseParser follows: an event not ended by a blank line is discarded at the end of the stream.
        string last = VllmWire.Chunk(new JsonObject { ["content"] = "ok" }, "stop");
        await using var server = Serve((s, ct) => WriteAsync(s, SseHead + $"data: {last}\n", ct)); // no blank line, no [DONE]
        using var client = Client(server, new Glm4vRemoteOptions { EnableThinking = false });
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => StreamAsync(client).WaitAsync(Guard));
        Assert.Contains("closed the stream", e.Message);
    }

    [Theory]
    [InlineData(false, false)] // no Content-Length: counted while reading
    [InlineData(true, false)]  // a Content-Length over the cap: refused before reading
    [InlineData(false, true)]  // a streaming request answered with one JSON body
    public async Task A_huge_json_body_fails_with_the_response_size_limit(bool declareLength, bool streaming)
    {
        const long size = 64L * 1024 * 1024;
        await using var server = Serve(async (s, ct) =>
        {
            string length = declareLength ? $"Content-Length: {size + 9}\r\n" : "";
            await WriteAsync(s, $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}Connection: close\r\n\r\n{{\"id\":\"", ct);
            await FloodAsync(s, Repeat("x", 64 * 1024), size, ct);
            await WriteAsync(s, "\"}", ct);
        });
        using var client = Client(server, new Glm4vRemoteOptions { MaxResponseBytes = 1024 * 1024 });
        var e = streaming
            ? await Assert.ThrowsAsync<Glm4vRemoteException>(() => StreamAsync(client).WaitAsync(Guard))
            : await Assert.ThrowsAsync<Glm4vRemoteException>(() => client.GetResponseAsync(Ask()).WaitAsync(Guard));
        Assert.Contains(nameof(Glm4vRemoteOptions.MaxResponseBytes), e.Message);
        Assert.Contains((1024 * 1024).ToString(), e.Message);
    }

    [Fact]
    public async Task Endless_tool_call_argument_fragments_fail_with_the_response_size_limit()
    {
        string fragment = VllmWire.ArgumentsChunk(0, new string('x', 1000));
        await using var server = Serve(async (s, ct) =>
        {
            await WriteAsync(s, SseHead, ct);
            await WriteAsync(s, "data: " + VllmWire.Chunk(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "c1", ["index"] = 0, ["function"] = new JsonObject { ["name"] = "f", ["arguments"] = "{\"a\":\"" } }),
            }) + "\n\n", ct);
            await FloodAsync(s, Repeat($"data: {fragment}\n\n", 64 * 1024), 64L * 1024 * 1024, ct);
        });
        using var client = Client(server, new Glm4vRemoteOptions { MaxResponseBytes = 256 * 1024 });
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => StreamAsync(client).WaitAsync(Guard));
        Assert.Contains(nameof(Glm4vRemoteOptions.MaxResponseBytes), e.Message);
        Assert.Contains("arguments", e.Message);
    }

    // ---- time ----

    [Fact]
    public async Task A_body_that_stalls_after_the_headers_fails_with_the_request_timeout()
    {
        await using var server = Serve(async (s, ct) =>
        {
            await WriteAsync(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{\"id\":", ct);
            await FakeChatServer.WaitForClientToLeaveAsync(s, ct);
        });
        using var client = Client(server, new Glm4vRemoteOptions { Timeout = TimeSpan.FromSeconds(1) });
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => client.GetResponseAsync(Ask()).WaitAsync(Guard));
        Assert.Contains(nameof(Glm4vRemoteOptions.Timeout), e.Message);
        Assert.IsAssignableFrom<OperationCanceledException>(e.InnerException);
    }

    [Fact]
    public async Task A_streaming_request_whose_headers_never_come_fails_with_the_request_timeout()
    {
        await using var server = Serve(FakeChatServer.WaitForClientToLeaveAsync);
        using var client = Client(server, new Glm4vRemoteOptions { Timeout = TimeSpan.FromSeconds(1) });
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => StreamAsync(client).WaitAsync(Guard));
        Assert.Contains(nameof(Glm4vRemoteOptions.Timeout), e.Message);
    }

    [Fact]
    public async Task The_timeout_of_a_callers_HttpClient_is_reported_typed_too()
    {
        await using var server = Serve(FakeChatServer.WaitForClientToLeaveAsync);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        using var client = Client(server, new Glm4vRemoteOptions { HttpClient = http });
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => client.GetResponseAsync(Ask()).WaitAsync(Guard));
        Assert.Contains("HttpClient.Timeout", e.Message);
    }

    [Fact]
    public async Task A_stream_that_stalls_between_events_fails_with_the_idle_timeout()
    {
        await using var server = new FakeChatServer((_, _) => new SseReply([VllmWire.Chunk(new JsonObject { ["reasoning_content"] = "Hel" })], Hang: true), lifetime: ServerLifetime);
        using var client = Client(server, new Glm4vRemoteOptions { StreamIdleTimeout = TimeSpan.FromSeconds(1) });
        var seen = new List<ChatResponseUpdate>();
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => StreamAsync(client, seen).WaitAsync(Guard));
        Assert.Contains(nameof(Glm4vRemoteOptions.StreamIdleTimeout), e.Message);
        Assert.Equal("Hel", Reasoning(seen.SelectMany(u => u.Contents)));
        Assert.Same(server.ClientGone, await Task.WhenAny(server.ClientGone, Task.Delay(Guard))); // the connection was closed
    }

    [Fact]
    public async Task The_idle_timeout_counts_only_waiting_for_the_server_not_a_slow_caller()
    {
        await using var server = new FakeChatServer(new SseReply([
            VllmWire.Chunk(new JsonObject { ["content"] = "a" }), VllmWire.Chunk(new JsonObject { ["content"] = "b" }),
            VllmWire.Chunk(new JsonObject(), "stop"), VllmWire.Done]));
        using var client = Client(server, new Glm4vRemoteOptions { StreamIdleTimeout = TimeSpan.FromMilliseconds(300) });
        var text = new StringBuilder();
        await foreach (var u in client.GetStreamingResponseAsync(Ask()))
        {
            text.Append(u.Text);
            await Task.Delay(500); // longer than the idle timeout, between updates that are already received
        }
        Assert.Equal("ab", text.ToString());
    }

    [Fact]
    public async Task Caller_cancellation_is_still_an_OperationCanceledException_with_the_timeouts_set()
    {
        var options = new Glm4vRemoteOptions { Timeout = TimeSpan.FromSeconds(30), StreamIdleTimeout = TimeSpan.FromSeconds(30) };
        await using var server = new FakeChatServer((_, n) => n == 0
            ? new RawReply(async (s, ct) =>
            {
                await WriteAsync(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{", ct);
                await FakeChatServer.WaitForClientToLeaveAsync(s, ct);
            })
            : new SseReply([VllmWire.Chunk(new JsonObject { ["reasoning_content"] = "Hel" })], Hang: true), lifetime: ServerLifetime);
        using var client = Client(server, options);

        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Ask(), null, cts.Token).WaitAsync(Guard));
            Assert.Equal(cts.Token, e.CancellationToken);
        }
        using (var cts = new CancellationTokenSource())
        {
            var seen = new List<ChatResponseUpdate>();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Run(async () =>
            {
                await foreach (var u in client.GetStreamingResponseAsync(Ask(), null, cts.Token))
                {
                    seen.Add(u);
                    cts.CancelAfter(200);
                }
            }).WaitAsync(Guard));
            Assert.Single(seen);
        }
    }

    [Fact]
    public void Limits_that_are_not_positive_are_refused_naming_the_setting()
    {
        var uri = new Uri("http://127.0.0.1:1/v1");
        foreach (var (options, name) in new (Glm4vRemoteOptions, string)[]
        {
            (new() { MaxEventBytes = 0 }, nameof(Glm4vRemoteOptions.MaxEventBytes)),
            (new() { MaxResponseBytes = -1 }, nameof(Glm4vRemoteOptions.MaxResponseBytes)),
            (new() { Timeout = TimeSpan.Zero }, nameof(Glm4vRemoteOptions.Timeout)),
            (new() { StreamIdleTimeout = TimeSpan.FromSeconds(-2) }, nameof(Glm4vRemoteOptions.StreamIdleTimeout)),
            (new() { StreamIdleTimeout = TimeSpan.FromDays(400) }, nameof(Glm4vRemoteOptions.StreamIdleTimeout)),
        })
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => new Glm4vRemoteChatClient(uri, null, "m", options));
            Assert.Contains(name, e.Message);
        }
        using var unlimited = new Glm4vRemoteChatClient(uri, null, "m", new() { Timeout = Timeout.InfiniteTimeSpan, StreamIdleTimeout = Timeout.InfiniteTimeSpan });
    }
}
