using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// A tiny web site on <c>http://127.0.0.1:&lt;free port&gt;/</c> (HttpListener) serving in-memory HTML pages, for
/// browser tests that must stay offline. Records every requested path.
/// </summary>
public sealed class LocalWebSite : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly ConcurrentDictionary<string, string> _pages = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Starts serving <paramref name="pages"/> (path → HTML); unknown paths answer 404.</summary>
    public LocalWebSite(IReadOnlyDictionary<string, string> pages)
    {
        foreach (var (path, html) in pages) _pages[path] = html;
        Exception? last = null;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            int port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException ex)
            {
                last = ex;
                listener.Close();
                continue;
            }
            _listener = listener;
            Root = new Uri($"http://127.0.0.1:{port}/");
            _loop = Task.Run(ServeAsync);
            return;
        }
        throw new InvalidOperationException($"No free loopback port for the test web site: {last?.Message}");
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri Root { get; }

    /// <summary>Every requested path (with query), in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The absolute URL of <paramref name="path"/>.</summary>
    public string Url(string path) => new Uri(Root, path).AbsoluteUri;

    /// <summary>Adds or replaces a page.</summary>
    public void SetPage(string path, string html) => _pages[path] = html;

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        try
        {
            string path = context.Request.Url?.AbsolutePath ?? "/";
            Requests.Enqueue(context.Request.Url?.PathAndQuery ?? path);
            var response = context.Response;
            if (_pages.TryGetValue(path, out string? html))
            {
                byte[] body = Encoding.UTF8.GetBytes(html);
                response.StatusCode = 200;
                response.ContentType = "text/html; charset=utf-8";
                response.Headers["Cache-Control"] = "no-store";
                response.ContentLength64 = body.Length;
                response.OutputStream.Write(body);
            }
            else
            {
                response.StatusCode = 404;
            }
            response.Close();
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
        }
        _stop.Dispose();
    }
}
