using Microsoft.Playwright;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>Waiting for a page to reach a URL after an action that navigates.</summary>
internal static class PageUrl
{
    /// <summary>
    /// Waits up to 15 s until <paramref name="page"/>'s URL is <paramref name="url"/>. Polls, because
    /// <c>WaitForURLAsync</c> can miss a navigation that commits while it starts (seen on a loaded machine).
    /// </summary>
    public static async Task WaitForAsync(IPage page, string url, Func<string>? context = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (page.Url != url && watch.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(50);
        Assert.True(page.Url == url, $"expected the page at {url}, it is at {page.Url}{(context is null ? "" : "; " + context())}");
    }
}
