using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>In-memory HTML pages served by <see cref="HttpListener"/> on http://127.0.0.1:&lt;free port&gt;/.</summary>
public sealed class LocalWebSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, string> _pages;
    private readonly Task _loop;

    private readonly Dictionary<string, Uri> _redirects;

    /// <summary>Serves <paramref name="pages"/> (path → HTML) and answers the paths of <paramref name="redirects"/> with 302 to their URL.</summary>
    public LocalWebSite(Dictionary<string, string> pages, Dictionary<string, Uri>? redirects = null)
    {
        _pages = pages;
        _redirects = redirects ?? [];
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort();
            try
            {
                _listener.Prefixes.Clear();
                _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                _listener.Start();
                BaseUri = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUri { get; private set; } = null!;

    public Uri this[string path] => new(BaseUri, path);

    /// <summary>Every path requested, in order.</summary>
    public List<string> Requests { get; } = [];

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            string path = ctx.Request.Url!.AbsolutePath;
            lock (Requests) Requests.Add(path);
            if (_redirects.TryGetValue(path, out var target))
            {
                ctx.Response.Redirect(target.AbsoluteUri);
            }
            else if (_pages.TryGetValue(path, out string? html))
            {
                byte[] body = Encoding.UTF8.GetBytes(html);
                ctx.Response.ContentType = "text/html; charset=utf-8";
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body);
            }
            else
            {
                ctx.Response.StatusCode = 404;
            }
            ctx.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(2000); } catch (AggregateException) { }
    }
}
