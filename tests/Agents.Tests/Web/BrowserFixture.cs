using Glm4vSK.Agents.Executors;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>One test site and one launched Chromium (set-of-marks on) shared by a test class.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public LocalWebSite Site { get; } = new(WebTestPages.All());

    public PlaywrightWebExecutor Executor { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Chromium is needed at /usr/bin/chromium: apt-get install chromium (.ci/run installs it)");
        Executor = await PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions
        {
            StartUrl = Site.BaseUri,
            SetOfMarks = true,
            ViewportWidth = 1000,
            ViewportHeight = 700,
            WaitDuration = TimeSpan.FromMilliseconds(50),
        });
    }

    /// <summary>Loads the index page fresh (state reset).</summary>
    public async Task ResetAsync()
    {
        try
        {
            await Executor.Page.GotoAsync(Site.BaseUri.ToString());
        }
        catch (Microsoft.Playwright.PlaywrightException e) when (e.Message.Contains("interrupted by another navigation", StringComparison.Ordinal))
        {
            // A late error page from an earlier blocked navigation; load the page again.
            await Executor.Page.GotoAsync(Site.BaseUri.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Executor is not null) await Executor.DisposeAsync();
        Site.Dispose();
    }
}
