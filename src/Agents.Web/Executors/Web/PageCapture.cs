using System.Text.Json;
using Glm4vSK.Agents.Screens;
using Microsoft.Playwright;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// Takes an observation of a page: waits for it to load (up to <see cref="WebExecutorOptions.LoadWaitTimeout"/>),
/// labels it when <see cref="WebExecutorOptions.SetOfMarks"/> is on, and takes a viewport PNG in CSS pixels.
/// </summary>
internal static class PageCapture
{
    /// <summary>How many times a capture is retried when the page navigated between labelling and the screenshot.</summary>
    private const int NavigationRetries = 2;

    public static async Task<GuiObservation> ObserveAsync(IPage page, WebExecutorOptions options, CancellationToken ct)
    {
        for (int attempt = 0; ; attempt++)
        {
            await WaitForLoadAsync(page, options, ct).ConfigureAwait(false);
            try
            {
                return await CaptureAsync(page, options, ct).ConfigureAwait(false);
            }
            catch (PlaywrightException ex) when (attempt < NavigationRetries && !page.IsClosed && IsNavigationRace(ex))
            {
                // The page navigated between labelling and the screenshot: observe the new document.
            }
        }
    }

    private static async Task<GuiObservation> CaptureAsync(IPage page, WebExecutorOptions options, CancellationToken ct)
    {
        IReadOnlyList<GuiElement> elements = [];
        byte[] png;
        var shotOptions = new PageScreenshotOptions { Type = ScreenshotType.Png, Scale = ScreenshotScale.Css };
        if (options.SetOfMarks)
        {
            var marks = await page.EvaluateAsync<JsonElement?>(SetOfMarks.MarkScript, new { maxText = options.MaxElementTextLength, draw = true })
                .WaitAsync(ct).ConfigureAwait(false);
            try
            {
                png = await page.ScreenshotAsync(shotOptions).WaitAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                await Quietly.AwaitAsync(page.EvaluateAsync(SetOfMarks.UnmarkScript)).ConfigureAwait(false);
            }
            if (marks is { } m) elements = SetOfMarks.ReadElements(m);
        }
        else
        {
            png = await page.ScreenshotAsync(shotOptions).WaitAsync(ct).ConfigureAwait(false);
        }
        return new GuiObservation(Screenshot.FromEncoded(png)) { Elements = elements, Location = page.Url };
    }

    private static async Task WaitForLoadAsync(IPage page, WebExecutorOptions options, CancellationToken ct)
    {
        if (options.LoadWaitTimeout <= TimeSpan.Zero) return;
        try
        {
            await page.WaitForLoadStateAsync(LoadState.Load, new PageWaitForLoadStateOptions { Timeout = (float)options.LoadWaitTimeout.TotalMilliseconds })
                .WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.TimeoutException || ex.GetType().Name == "TimeoutException")
        {
            // A page that keeps loading is observed as it is.
        }
    }

    private static bool IsNavigationRace(PlaywrightException ex) =>
        ex.Message.Contains("Execution context was destroyed", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("navigation", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("Cannot find context", StringComparison.OrdinalIgnoreCase);
}
