using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Web;
using static Glm4vSK.Agents.Tests.Web.WebActions;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// The web executor's default allow-list: a page on 127.0.0.1:A reaches nothing but its own origin (no other local
/// port, no <c>file:</c>, no DevTools WebSocket) unless the options opt in. Each test launches its own Chromium,
/// since the options differ.
/// </summary>
public sealed class WebAllowListTests : IDisposable
{
    private const string DevToolsSocket = "ws://localhost:9222/devtools/browser";

    /// <summary>The "other local service" on port B.</summary>
    private readonly LocalWebSite _other = new(new() { ["/b/page"] = Page("B page"), ["/b/frame"] = Page("B frame"), ["/b/data"] = Page("B data") });

    /// <summary>The start site on port A; its probe page tries every way out at load.</summary>
    private readonly LocalWebSite _site;

    public WebAllowListTests() => _site = new(new()
    {
        ["/probe"] = ProbePage(_other.BaseUri),
        ["/same"] = Page("Same site"),
        ["/same-data"] = Page("data"),
    }, new() { ["/to-b"] = new Uri(_other.BaseUri, "/b/page") });

    private static string Page(string title) =>
        $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1></body></html>";

    /// <summary>
    /// Links, iframes, fetch and WebSockets to port B, to <c>file:///etc/hostname</c> and to the DevTools port, and the
    /// same to its own origin; <c>window.results</c> collects how each fetch/WebSocket ended.
    /// </summary>
    private static string ProbePage(Uri other)
    {
        string ws = "ws://" + other.Authority + "/b/ws";
        return $$"""
            <!doctype html><html><head><meta charset="utf-8"><title>Probe</title>
            <style>body{margin:0;font:16px sans-serif} a,iframe{position:absolute;left:20px}</style></head><body>
            <a id="to-b" href="{{other}}b/page" style="top:20px">Other port</a>
            <a id="to-same" href="/same" style="top:60px">Same site</a>
            <a id="to-file" href="file:///etc/hostname" style="top:100px">Local file</a>
            <iframe id="frame-b" src="{{other}}b/frame" style="top:140px;width:200px;height:60px"></iframe>
            <iframe id="frame-file" src="file:///etc/hostname" style="top:220px;width:200px;height:60px"></iframe>
            <script>
              window.results = {};
              const settle = (k, v) => { if (!(k in results)) results[k] = v; };
              fetch('{{other}}b/data').then(() => settle('fetchB', 'ok'), () => settle('fetchB', 'failed'));
              fetch('/same-data').then(r => settle('fetchSame', String(r.status)), () => settle('fetchSame', 'failed'));
              fetch('file:///etc/hostname').then(() => settle('fetchFile', 'ok'), () => settle('fetchFile', 'failed'));
              for (const [k, u] of [['wsB', '{{ws}}'], ['wsDevTools', '{{DevToolsSocket}}'], ['wsSame', 'ws://' + location.host + '/same-ws']]) {
                const s = new WebSocket(u);
                s.onopen = () => settle(k, 'open');
                s.onerror = () => settle(k, 'error');
                s.onclose = () => settle(k, 'closed');
              }
              // A web worker's WebSocket is not seen by Playwright's WebSocket routing (it patches pages only).
              const worker = "const s = new WebSocket('{{ws}}worker'); s.onopen = () => postMessage('open'); s.onerror = () => postMessage('error'); s.onclose = () => postMessage('closed');";
              new Worker(URL.createObjectURL(new Blob([worker], { type: 'text/javascript' }))).onmessage = e => settle('wsWorker', e.data);
            </script></body></html>
            """;
    }

    private async Task<PlaywrightWebExecutor> LaunchAsync(WebExecutorOptions options)
    {
        var executor = await PlaywrightWebExecutor.LaunchAsync(options);
        // Every fetch and WebSocket of the probe page has ended one way or the other.
        await executor.Page.WaitForFunctionAsync("() => window.results && Object.keys(window.results).length === 7");
        return executor;
    }

    private List<string> OtherRequests()
    {
        lock (_other.Requests) return [.. _other.Requests];
    }

    private List<string> SiteRequests()
    {
        lock (_site.Requests) return [.. _site.Requests];
    }

    [Fact]
    public async Task By_default_a_page_reaches_only_its_own_origin()
    {
        await using var executor = await LaunchAsync(new WebExecutorOptions { StartUrl = _site["/probe"], SetOfMarks = true });
        string b = _other.BaseUri.AbsoluteUri;

        // Nothing reached port B: not the iframe, not the fetch, not the WebSockets (the page's and a worker's).
        Assert.Empty(OtherRequests());
        Assert.Contains(b + "b/frame", executor.BlockedNavigations);
        Assert.Contains(b + "b/data", executor.BlockedRequests);
        Assert.Contains("ws://" + _other.BaseUri.Authority + "/b/ws", executor.BlockedRequests);
        Assert.Contains(DevToolsSocket, executor.BlockedRequests);
        Assert.NotEqual("open", await executor.Page.EvaluateAsync<string>("() => results.wsDevTools"));
        // No frame shows a local file, and the executor itself refuses file: URLs.
        Assert.DoesNotContain(executor.Page.Frames, f => f.Url.StartsWith("file:", StringComparison.Ordinal));
        Assert.False(executor.IsAllowed(new Uri("file:///etc/hostname")));
        // blob: URLs count as their creator's origin; about: only as a blank page.
        Assert.True(executor.IsAllowed(new Uri("blob:" + _site.BaseUri.AbsoluteUri + "4c1e5a3b")));
        Assert.False(executor.IsAllowed(new Uri("blob:" + b + "4c1e5a3b")));
        Assert.True(executor.IsAllowed(new Uri("about:blank")));
        Assert.False(executor.IsAllowed(new Uri("about:settings")));
        var file = await executor.NavigateAsync("file:///etc/hostname");
        Assert.False(file.Succeeded, file.Message);
        Assert.Contains("AllowFileUrls", file.Message);

        // The start origin still works: its fetch and WebSocket reached the site.
        Assert.Equal("200", await executor.Page.EvaluateAsync<string>("() => results.fetchSame"));
        Assert.Contains("/same-data", SiteRequests());
        Assert.Contains("/same-ws", SiteRequests());
        Assert.DoesNotContain(executor.BlockedRequests, u => u.Contains(_site.BaseUri.Authority, StringComparison.Ordinal));

        // A link to port B is cancelled in the browser; a link on the site is followed.
        var observation = await executor.ObserveAsync();
        int LabelOf(string text) => observation.Elements.Single(e => e.Text == text).Label;
        var toB = await executor.ExecuteAsync(WebAction($"Click [{LabelOf("Other port")}]"), observation);
        Assert.False(toB.Succeeded, toB.Message);
        Assert.Contains(b + "b/page", executor.BlockedNavigations);
        Assert.Empty(OtherRequests());
        Assert.Equal(_site["/probe"].AbsoluteUri, executor.Page.Url);
        var toFile = await executor.ExecuteAsync(WebAction($"Click [{LabelOf("Local file")}]"), observation);
        Assert.Equal(_site["/probe"].AbsoluteUri, executor.Page.Url);
        Assert.DoesNotContain("file:", toFile.Message, StringComparison.Ordinal);
        var same = await executor.ExecuteAsync(WebAction($"Click [{LabelOf("Same site")}]"), observation);
        Assert.True(same.Succeeded, same.Message);
        await PageUrl.WaitForAsync(executor.Page, _site["/same"].AbsoluteUri, () => $"site requests {string.Join(",", SiteRequests())}");

        // A redirect from the site to port B is not followed either (Playwright's routing does not see redirects;
        // the network stack refuses the hop, and the page shows Chromium's error page).
        var redirected = await executor.NavigateAsync(_site["/to-b"]);
        Assert.False(redirected.Succeeded, redirected.Message);
        Assert.Contains("does not allow", redirected.Message);
        Assert.Empty(OtherRequests());
    }

    [Fact]
    public async Task Another_origin_is_reachable_only_when_listed()
    {
        await using var executor = await LaunchAsync(new WebExecutorOptions { StartUrl = _site["/probe"], AllowedOrigins = [_other.BaseUri] });

        Assert.Contains("/b/frame", OtherRequests());
        Assert.Contains("/b/data", OtherRequests());
        Assert.Contains("/b/ws", OtherRequests());
        Assert.Contains("/b/wsworker", OtherRequests());
        Assert.DoesNotContain(executor.BlockedNavigations, u => u.Contains(_other.BaseUri.Authority, StringComparison.Ordinal));
        Assert.DoesNotContain(executor.BlockedRequests, u => u.Contains(_other.BaseUri.Authority, StringComparison.Ordinal));
        // Listing port B does not open the rest of loopback.
        Assert.Contains(DevToolsSocket, executor.BlockedRequests);
        Assert.False(executor.IsAllowed(new Uri("http://127.0.0.1:1/")));
    }

    [Fact]
    public async Task AllowLoopback_opens_every_local_port()
    {
        await using var executor = await LaunchAsync(new WebExecutorOptions { StartUrl = _site["/probe"], AllowLoopback = true });

        Assert.Contains("/b/frame", OtherRequests());
        Assert.Contains("/b/ws", OtherRequests());
        Assert.Contains("/b/wsworker", OtherRequests());
        Assert.DoesNotContain(DevToolsSocket, executor.BlockedRequests);
        Assert.True(executor.IsAllowed(new Uri("http://localhost:1/")));
        Assert.True(executor.IsAllowed(new Uri("ws://[::1]:9222/")));
        // Loopback does not mean local files.
        Assert.False(executor.IsAllowed(new Uri("file:///etc/hostname")));
    }

    [Fact]
    public void DefaultAllow_is_the_start_origin_only()
    {
        var rule = PlaywrightWebExecutor.DefaultAllow(new Uri("http://127.0.0.1:5000/shop/"));
        Assert.True(rule(new Uri("http://127.0.0.1:5000/cart?x=1")));
        Assert.True(rule(new Uri("ws://127.0.0.1:5000/live")));
        Assert.False(rule(new Uri("http://127.0.0.1:5001/")));
        Assert.False(rule(new Uri("https://127.0.0.1:5000/")));
        Assert.False(rule(new Uri("http://localhost:5000/")));
        Assert.False(rule(new Uri("ws://localhost:9222/devtools/browser")));
        Assert.False(rule(new Uri("file:///etc/hostname")));
        Assert.False(PlaywrightWebExecutor.DefaultAllow(null)(new Uri("http://127.0.0.1:5000/")));

        var opened = PlaywrightWebExecutor.DefaultAllow(new Uri("https://shop.example/"),
            new WebExecutorOptions { AllowedOrigins = [new Uri("https://api.example:8443/")], AllowLoopback = true });
        Assert.True(opened(new Uri("https://api.example:8443/v1")));
        Assert.True(opened(new Uri("wss://api.example:8443/live")));
        Assert.False(opened(new Uri("https://api.example/")));
        Assert.True(opened(new Uri("http://127.0.0.1:9/")));
        Assert.True(opened(new Uri("http://app.localhost:3000/")));
    }

    [Fact]
    public void The_network_stack_gets_the_default_rule_as_a_dead_proxy_with_a_bypass_list()
    {
        var start = new Uri("http://127.0.0.1:5000/");
        var args = WebOriginPolicy.NetworkArguments(start, new WebExecutorOptions { AllowedOrigins = [new Uri("ws://[::1]:7000/")] });
        Assert.Contains(args, a => a.StartsWith("--proxy-server=", StringComparison.Ordinal));
        Assert.Contains("--proxy-bypass-list=<-loopback>;127.0.0.1:5000;[::1]:7000", args);
        Assert.Contains("--proxy-bypass-list=<-loopback>;127.0.0.1:5000;localhost;*.localhost;127.0.0.1/8;[::1]",
            WebOriginPolicy.NetworkArguments(start, new WebExecutorOptions { AllowLoopback = true }));
        // A custom rule has no host list, and a proxy of the caller's own wins.
        Assert.Empty(WebOriginPolicy.NetworkArguments(start, new WebExecutorOptions { AllowNavigation = _ => true }));
        Assert.Empty(WebOriginPolicy.NetworkArguments(start, new WebExecutorOptions { ExtraArguments = ["--proxy-server=http://proxy:3128"] }));
    }

    [Fact]
    public async Task AllowedOrigins_must_be_network_origins()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions { StartUrl = _site["/same"], AllowedOrigins = [new Uri("file:///tmp/")] }));
        Assert.Contains("AllowedOrigins", ex.Message);
        Assert.Contains("AllowFileUrls", ex.Message);
    }

    [Fact]
    public async Task File_urls_need_a_file_start_page_and_AllowFileUrls_and_stay_in_its_folder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "glm4vsk-file-site-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        try
        {
            File.WriteAllText(Path.Combine(dir, "sub", "inner.html"), Page("Inner file"));
            File.WriteAllText(Path.Combine(dir, "index.html"), """
                <!doctype html><html><head><meta charset="utf-8"><title>Files</title></head><body>
                <iframe id="inner" src="sub/inner.html"></iframe>
                <iframe id="outside" src="file:///etc/hostname"></iframe>
                </body></html>
                """);
            var start = new Uri(Path.Combine(dir, "index.html"));

            var refused = await Assert.ThrowsAsync<WebExecutorException>(() => PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions { StartUrl = start }));
            Assert.Contains("AllowFileUrls", refused.Message);

            await using var executor = await PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions { StartUrl = start, AllowFileUrls = true });
            Assert.Contains(executor.Page.Frames, f => f.Url.EndsWith("/sub/inner.html", StringComparison.Ordinal));
            Assert.DoesNotContain(executor.Page.Frames, f => f.Url == "file:///etc/hostname");
            Assert.Contains("file:///etc/hostname", executor.BlockedNavigations);
            Assert.False(executor.IsAllowed(new Uri(Path.Combine(Path.GetTempPath(), "other.html"))));
            Assert.False(executor.IsAllowed(new Uri(new Uri(Path.Combine(dir, "sub") + "/"), "../../x.html")));
            Assert.False(executor.IsAllowed(new Uri("http://127.0.0.1:1/")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    public void Dispose()
    {
        _site.Dispose();
        _other.Dispose();
    }
}
