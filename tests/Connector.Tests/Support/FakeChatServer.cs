using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Glm4vSK.Connector.Tests.Support;

/// <summary>A request as the fake server received it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>What the fake server answers.</summary>
public abstract record ServerReply;

/// <summary>A complete response with a body (JSON unless said otherwise).</summary>
public sealed record BodyReply(int Status, string Body, string ContentType = "application/json") : ServerReply;

/// <summary>
/// A <c>text/event-stream</c> response: each item is sent as <c>data: …\n\n</c> and flushed on its own. With
/// <see cref="Hang"/> the server then keeps the connection open until the client goes away (or the server stops).
/// </summary>
public sealed record SseReply(IReadOnlyList<string> Events, bool Hang = false) : ServerReply;

/// <summary>
/// Whatever bytes <see cref="Write"/> puts on the connection (status line and headers included), for misbehaving
/// servers: stalled bodies, endless lines, huge bodies. The token is cancelled when the server stops.
/// </summary>
public sealed record RawReply(Func<Stream, CancellationToken, Task> Write) : ServerReply;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (an ephemeral port, loopback only) for the remote-client tests: one
/// request per connection (<c>Connection: close</c>), requests with a <c>Content-Length</c> body, answers from a
/// handler. Bounded: at most <c>maxRequests</c> requests, and it stops by itself after <c>lifetime</c> (default 30 s).
/// </summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    readonly TcpListener _listener;
    readonly CancellationTokenSource _stop;
    readonly Func<RecordedRequest, int, ServerReply> _handler;
    readonly Task _loop;
    readonly List<RecordedRequest> _requests = [];
    readonly List<Task> _connections = [];
    readonly TaskCompletionSource _clientGone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeChatServer(Func<RecordedRequest, int, ServerReply> handler, int maxRequests = 32, TimeSpan? lifetime = null)
    {
        _handler = handler;
        _stop = new CancellationTokenSource(lifetime ?? TimeSpan.FromSeconds(30));
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptLoopAsync(maxRequests);
    }

    /// <summary>Answers every request with the same reply.</summary>
    public FakeChatServer(ServerReply reply) : this((_, _) => reply) { }

    public int Port { get; }
    /// <summary>The OpenAI-style API base, <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/v1");

    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    /// <summary>Completes when a hanging stream (<see cref="SseReply.Hang"/>) saw its client close the connection.</summary>
    public Task ClientGone => _clientGone.Task;

    async Task AcceptLoopAsync(int maxRequests)
    {
        try
        {
            for (int n = 0; n < maxRequests; n++)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                int number = n;
                lock (_connections) _connections.Add(Task.Run(() => ServeAsync(client, number)));
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
        catch (SocketException) { }
        catch (InvalidOperationException) { } // "Not listening": stopped between two accepts
    }

    async Task ServeAsync(TcpClient client, int number)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, _stop.Token).ConfigureAwait(false);
                if (request is null) return;
                lock (_requests) _requests.Add(request);
                var reply = _handler(request, number);
                await WriteReplyAsync(stream, reply, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away or the server is stopping.
            }
        }
    }

    static async Task<RecordedRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            if (head.Count > 64 * 1024) throw new IOException("request head too large");
            if (await stream.ReadAsync(one, ct).ConfigureAwait(false) == 0) return null;
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var start = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        int length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl) : 0;
        if (length > 64 * 1024 * 1024) throw new IOException("request body too large");
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, ct).ConfigureAwait(false);
        return new RecordedRequest(start[0], start[1], headers, Encoding.UTF8.GetString(body));
    }

    static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    async Task WriteReplyAsync(NetworkStream stream, ServerReply reply, CancellationToken ct)
    {
        switch (reply)
        {
            case BodyReply r:
            {
                byte[] body = Encoding.UTF8.GetBytes(r.Body);
                string head = $"HTTP/1.1 {r.Status} {Reason(r.Status)}\r\nContent-Type: {r.ContentType}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct).ConfigureAwait(false);
                await stream.WriteAsync(body, ct).ConfigureAwait(false);
                break;
            }
            case SseReply s:
            {
                const string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct).ConfigureAwait(false);
                foreach (string data in s.Events)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\n\n"), ct).ConfigureAwait(false);
                    await stream.FlushAsync(ct).ConfigureAwait(false);
                }
                if (s.Hang)
                {
                    await WaitForClientToLeaveAsync(stream, ct).ConfigureAwait(false);
                    _clientGone.TrySetResult();
                }
                break;
            }
            case RawReply raw:
                await raw.Write(stream, ct).ConfigureAwait(false);
                break;
        }
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Holds the connection open until the client closes it (a read returns 0 or fails) or the server stops.</summary>
    public static async Task WaitForClientToLeaveAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[256];
        try { while (await stream.ReadAsync(buffer, ct).ConfigureAwait(false) > 0) { } }
        catch (IOException) { }
    }

    static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop.ConfigureAwait(false);
        Task[] open;
        lock (_connections) open = [.. _connections];
        await Task.WhenAll(open).ConfigureAwait(false);
        _stop.Dispose();
    }
}
