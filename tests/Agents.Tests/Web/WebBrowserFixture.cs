using Glm4vSK.Agents.Executors;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// One local site and one headless Chromium (launched by <see cref="PlaywrightWebExecutor.LaunchAsync"/>) shared by a
/// test class. Each test starts with <see cref="ResetAsync"/>, which reloads the main page. A missing Chromium
/// fails with the executor's install hint (apt-get install chromium).
/// </summary>
public sealed class WebBrowserFixture : IAsyncLifetime
{
    /// <summary>The viewport: not the default, so the tests see that the option is honoured.</summary>
    public static readonly WebViewport Viewport = new(1024, 640);

    public LocalWebSite Site { get; private set; } = null!;

    public PlaywrightWebExecutor Executor { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Site = new LocalWebSite(TestPages.All);
        Executor = await PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions
        {
            Viewport = Viewport,
            StartUrl = Site.Url("/"),
            WaitDuration = TimeSpan.FromMilliseconds(50),
        });
    }

    /// <summary>Loads <paramref name="path"/> afresh (default: the main page) and returns the page's URL.</summary>
    public async Task<string> ResetAsync(string path = "/")
    {
        var opened = await Executor.NavigateAsync(Site.Url(path));
        Assert.True(opened.Succeeded, opened.Message);
        return Executor.Page.Url;
    }

    public async ValueTask DisposeAsync()
    {
        if (Executor is not null) await Executor.DisposeAsync();
        if (Site is not null) await Site.DisposeAsync();
    }
}
