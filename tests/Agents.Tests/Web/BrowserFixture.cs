using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Web;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// One test site (<see cref="WebTestPages"/> at <c>/</c>, <see cref="ExecutorTestPages"/> under <c>/executor</c>,
/// <see cref="SensitiveFieldPages"/> under <c>/sensitive</c>) and one launched Chromium (set-of-marks on, 1000×700,
/// the default allow-list: the site's origin only) shared by a test class.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public LocalWebSite Site { get; } = new(WebTestPages.All().Concat(ExecutorTestPages.All()).Concat(SensitiveFieldPages.All()).ToDictionary());

    /// <summary>The viewport of the launched browser (not the default, so the tests see that the option is honoured).</summary>
    public const int ViewportWidth = 1000, ViewportHeight = 700;

    public PlaywrightWebExecutor Executor { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Chromium is needed at /usr/bin/chromium: apt-get install chromium (.ci/run installs it)");
        Executor = await PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions
        {
            StartUrl = Site.BaseUri,
            SetOfMarks = true,
            ViewportWidth = ViewportWidth,
            ViewportHeight = ViewportHeight,
            WaitDuration = TimeSpan.FromMilliseconds(50),
        });
    }

    /// <summary>The absolute URL of <paramref name="path"/> on the site.</summary>
    public string Url(string path) => Site[path].AbsoluteUri;

    /// <summary>Loads <paramref name="path"/> (default the index page) fresh, resetting its state; returns the page URL.</summary>
    public async Task<string> ResetAsync(string path = "/")
    {
        var opened = await Executor.NavigateAsync(Site[path]);
        Assert.True(opened.Succeeded, opened.Message);
        return Executor.Page.Url;
    }

    public async ValueTask DisposeAsync()
    {
        if (Executor is not null) await Executor.DisposeAsync();
        Site.Dispose();
    }
}
