using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Glm4vSK.Server.Tests.ChatPage;

/// <summary>
/// The fake server and one headless system Chromium (never downloaded) shared by a test class; each test opens the
/// page in a fresh context (fresh sessionStorage) with every request recorded and any other origin blocked.
/// </summary>
public sealed class ChatPageFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public FakeChatServer Server { get; private set; } = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is needed at {ChromiumPath}: apt-get install chromium (.ci/run installs it)");
        Server = await FakeChatServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>Opens <paramref name="path"/> in a fresh context and waits until the model picker is filled.</summary>
    public async Task<ChatPageSession> OpenAsync(string path = "/")
    {
        Server.Reset();
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 }, DeviceScaleFactor = 1 });
        var session = new ChatPageSession(context, await context.NewPageAsync(), Server.BaseUri);
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            session.Requests.Enqueue(url);
            if (url.Scheme is "data" or "blob" || (url.Scheme == "http" && url.Authority == Server.BaseUri.Authority)) await route.ContinueAsync();
            else await route.AbortAsync();
        });
        // CSP violations and script errors are console errors; a 4xx the page shows inline is logged too and is expected.
        session.Page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !message.Text.StartsWith("Failed to load resource: the server responded with a status of 4", StringComparison.Ordinal))
                session.ConsoleProblems.Enqueue(message.Text);
        };
        session.Page.PageError += (_, error) => session.ConsoleProblems.Enqueue(error);
        await session.Page.GotoAsync(new Uri(Server.BaseUri, path.TrimStart('/')).AbsoluteUri);
        await session.Page.WaitForFunctionAsync("() => document.querySelectorAll('#model option').length > 0");
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }
}

/// <summary>One opened page with what it requested and the console errors it logged (CSP violations land there).</summary>
public sealed class ChatPageSession(IBrowserContext context, IPage page, Uri baseUri) : IAsyncDisposable
{
    public IPage Page { get; } = page;
    public ConcurrentQueue<Uri> Requests { get; } = new();
    public ConcurrentQueue<string> ConsoleProblems { get; } = new();

    /// <summary>Types <paramref name="text"/> and presses Enter, then waits until the send button is enabled again (the turn ended).</summary>
    public async Task SendAsync(string text, bool waitForEnd = true)
    {
        await Page.FillAsync("#input", text);
        await Page.PressAsync("#input", "Enter");
        if (waitForEnd) await WaitForIdleAsync();
    }

    public Task WaitForIdleAsync() =>
        Page.WaitForFunctionAsync("() => !document.getElementById('send').disabled && document.getElementById('stop').disabled && document.querySelectorAll('.msg.assistant').length > 0");

    public Task<string> TextAsync(string selector) => Page.EvalOnSelectorAsync<string>(selector, "e => e.textContent");

    /// <summary>Every request went to the page's own origin (or was an inline data:/blob: URL), and no CSP violation or script error was logged.</summary>
    public void AssertSelfContained()
    {
        Assert.NotEmpty(Requests);
        Assert.All(Requests, url => Assert.True(url.Scheme is "data" or "blob" || url.Authority == baseUri.Authority, $"The page requested another origin: {url}"));
        Assert.Empty(ConsoleProblems);
    }

    public ValueTask DisposeAsync() => new(context.CloseAsync());
}
