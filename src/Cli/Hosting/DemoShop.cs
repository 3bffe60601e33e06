using System.Net;
using System.Text;

namespace Glm4vSK.Cli.Hosting;

/// <summary>A two-page demo shop on http://127.0.0.1:&lt;port&gt;/ for trying the web agent without a site of your own.</summary>
internal sealed class DemoShop : IDisposable
{
    private const string Index = """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>Demo shop</title>
        <style>body{font:16px sans-serif;margin:2rem} .item{border:1px solid #ccc;padding:1rem;margin:1rem 0;width:22rem}</style></head>
        <body><h1>Demo shop</h1>
        <form onsubmit="event.preventDefault();document.getElementById('q-out').textContent='No results for '+this.q.value">
          <input name="q" placeholder="Search the shop"> <button type="submit">Search</button></form>
        <p id="q-out"></p>
        <div class="item">Red shoes — 39.90 <button onclick="add(39.90)">Add to cart</button></div>
        <div class="item">Blue hat — 12.50 <button onclick="add(12.50)">Add to cart</button></div>
        <p>Cart total: <b id="total">0.00</b></p><a href="/about">About us</a>
        <script>let t=0;function add(p){t+=p;document.getElementById('total').textContent=t.toFixed(2);}</script>
        </body></html>
        """;

    private const string About = """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>About</title></head>
        <body><h1>About the demo shop</h1><p>Open Monday to Friday, 9:00–17:00.</p><a href="/">Back to the shop</a></body></html>
        """;

    private readonly HttpListener _listener = new();

    public DemoShop()
    {
        // HttpListener cannot bind port 0: try a few random ports in case one is taken.
        for (int attempt = 0; ; attempt++)
        {
            int port = Random.Shared.Next(20000, 60000);
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Uri = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener.Prefixes.Clear();
            }
        }
        _ = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                string? page = ctx.Request.Url!.AbsolutePath switch { "/" => Index, "/about" => About, _ => null };
                if (page is null) ctx.Response.StatusCode = 404;
                else
                {
                    byte[] body = Encoding.UTF8.GetBytes(page);
                    ctx.Response.ContentType = "text/html; charset=utf-8";
                    await ctx.Response.OutputStream.WriteAsync(body);
                }
                ctx.Response.Close();
            }
        });
    }

    public Uri Uri { get; }

    public void Dispose() => _listener.Close();
}
