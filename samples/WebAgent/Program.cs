using System.Net;
using System.Text;
using Glm4vSK.Agents.Web;
using Glm4vSK.Agents;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Samples;

// glm4v-web-agent: a GLM-4.1V/4.5V/4.6V model operates a web page in the system Chromium through Playwright, with the
// WebVoyager set-of-marks protocol (Click [3], Type [1]; [text], ANSWER; <content>…</content>) or the PC coordinate
// protocol. Without --url it serves a small demo shop on 127.0.0.1.
AgentArgs opts;
try { opts = AgentArgs.Parse(args, "headful"); }
catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
if (opts.Has("help") || opts.Task is null)
{
    Console.Error.WriteLine($"""
        usage: glm4v-web-agent <model> [--url <url>] [--allow-host <host>]... [--protocol web45|web41|pc45|pc41]
                               [--headful] [--chromium /usr/bin/chromium] [agent options] "task"
          --url          the page to start on (default: a built-in demo shop served on 127.0.0.1)
          --allow-host   another host the browser may load, any port (repeat as a comma list); by default only the
                         start page's origin (scheme, host, port) is loaded, every other request is blocked, other
                         local ports included (--allow-host 127.0.0.1 opens them)
          --protocol     web45 (GLM-4.5V/4.6V set-of-marks, default), web41 (GLM-4.1V), pc45/pc41 (coordinates)
        {ModelConnection.Usage}
        example: dotnet run -c Release --project samples/WebAgent -- --model /models/GLM-4.6V-Flash \
                     "Add the red shoes to the cart and tell me the total"
        """);
    return 2;
}

DemoShop? shop = null;
try
{
    return await AgentConsole.RunAsync(opts, async ct =>
    {
        IGuiPromptBuilder builder = opts.Get("protocol") switch
        {
            null or "web45" => new Glm45VWebPromptBuilder(),
            "web41" => new Glm41VWebPromptBuilder(),
            "pc45" => new Glm45VPcPromptBuilder(),
            "pc41" => new Glm41VPcPromptBuilder(),
            var p => throw new ArgumentException($"--protocol {p}: use web45, web41, pc45 or pc41"),
        };
        Uri start;
        if (opts.Get("url") is { } url) start = new Uri(url);
        else
        {
            shop = new DemoShop();
            start = shop.Uri;
        }
        var hosts = (opts.Get("allow-host") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var baseRule = PlaywrightWebExecutor.DefaultAllow(start);
        await using var browser = await PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions
        {
            ExecutablePath = opts.Get("chromium") ?? "/usr/bin/chromium",
            Headless = !opts.Has("headful"),
            StartUrl = start,
            SetOfMarks = builder.UsesSetOfMarks,
            // Without --allow-host the executor's default rule applies (also enforced in the browser's network stack).
            AllowNavigation = hosts.Length == 0 ? null : uri => baseRule(uri) || hosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase),
        }, ct);
        await using var model = await ModelConnection.OpenAsync(opts, ct);
        Console.Error.WriteLine($"model: {model.Description}; page {start}; protocol {builder.GetType().Name}");
        var agent = new GuiAgent(model.Client, builder, browser, AgentConsole.Options(opts, builder, start.ToString()));
        return await agent.RunAsync(opts.Task!, ct);
    });
}
finally
{
    shop?.Dispose();
}

/// <summary>A two-page demo shop on http://127.0.0.1:&lt;port&gt;/ for trying the agent without a site of your own.</summary>
sealed class DemoShop : IDisposable
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
        int port = Random.Shared.Next(20000, 60000);
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        Uri = new Uri($"http://127.0.0.1:{port}/");
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
