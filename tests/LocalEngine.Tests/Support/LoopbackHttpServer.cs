using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Glm4vSK.LocalEngine.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (free port) for media-loading tests: each request's path is handed to a
/// handler that writes the raw response (status line, headers, body) and the connection is closed afterwards.
/// </summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly Func<string, Stream, CancellationToken, Task> _handler;
    readonly CancellationTokenSource _stop = new();
    readonly Task _loop;

    public LoopbackHttpServer(Func<string, Stream, CancellationToken, Task> handler)
    {
        _handler = handler;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }
    /// <summary>Paths requested so far, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri Url(string path, string host = "127.0.0.1") => new($"http://{host}:{Port}{path}");

    /// <summary>Writes a complete response with the given status, headers and body.</summary>
    public static Task RespondAsync(Stream s, string status, string headers = "", byte[]? body = null, CancellationToken ct = default)
    {
        body ??= [];
        string head = $"HTTP/1.1 {status}\r\n{headers}Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        return s.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), ct).AsTask();
    }

    async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        string path = await ReadRequestPathAsync(stream);
                        Requests.Enqueue(path);
                        await _handler(path, stream, _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
                }
            });
        }
    }

    static async Task<string> ReadRequestPathAsync(Stream s)
    {
        var head = new StringBuilder();
        var buf = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await s.ReadAsync(buf) == 1) head.Append((char)buf[0]);
        return head.ToString().Split(' ') is [_, var path, ..] ? path : "";
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
