using Microsoft.Playwright;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// Finds the system Chromium (<see cref="WebExecutorOptions.ExecutablePath"/>, never downloaded) and starts it through
/// Playwright's driver with offline flags, the navigation rule's network arguments, a fresh context and one page.
/// </summary>
internal static class BrowserLauncher
{
    /// <summary>Chromium flags for a quiet, offline, headless-friendly browser.</summary>
    private static readonly string[] BaseArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--disable-dev-shm-usage", "--disable-smooth-scrolling",
    ];

    /// <summary>A started browser: the driver, the browser, its context and its first page, all owned by the caller.</summary>
    internal sealed record Launched(IPlaywright Playwright, IBrowser Browser, IBrowserContext Context, IPage Page, string ExecutablePath);

    /// <exception cref="WebExecutorException">The executable is missing, or Playwright's driver or the browser failed to start.</exception>
    public static async Task<Launched> LaunchAsync(WebExecutorOptions options, CancellationToken cancellationToken)
    {
        string executable = ResolveExecutable(options.ExecutablePath)
            ?? throw new WebExecutorException(
                $"The browser executable '{options.ExecutablePath}' does not exist. Install chromium, e.g. apt-get install chromium " +
                "(Debian/Ubuntu), or set WebExecutorOptions.ExecutablePath to a Chromium or Chrome binary. Playwright's own browser " +
                "download is not used.") { ExecutablePath = options.ExecutablePath };
        cancellationToken.ThrowIfCancellationRequested();

        IPlaywright playwright;
        var starting = Microsoft.Playwright.Playwright.CreateAsync();
        try
        {
            playwright = await starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stop the driver once it is up rather than leaving a Node process behind.
            _ = starting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        catch (Exception ex)
        {
            throw new WebExecutorException(
                $"Playwright's driver did not start ({WebText.FirstLine(ex.Message)}). The Microsoft.Playwright package copies it into the " +
                "build output (.playwright/ next to the assemblies); check that it is there and that PlaywrightPlatform is not 'none'.",
                ex) { ExecutablePath = executable };
        }

        IBrowser? browser = null;
        try
        {
            try
            {
                browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = executable,
                    Headless = options.Headless,
                    Args = [.. BaseArguments, .. WebOriginPolicy.NetworkArguments(options.StartUrl, options), .. options.ExtraArguments],
                    Timeout = (float)options.LaunchTimeout.TotalMilliseconds,
                }).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PlaywrightException ex)
            {
                string hint = options.Headless
                    ? ""
                    : " A headful browser needs an X display: set DISPLAY (e.g. run under xvfb-run) or keep Headless = true.";
                throw new WebExecutorException(
                    $"Chromium at '{executable}' did not start: {WebText.FirstLine(ex.Message)}.{hint} Check that '{executable} --headless " +
                    "--no-sandbox --dump-dom about:blank' works; reinstall it with apt-get install chromium if it does not.", ex)
                { ExecutablePath = executable };
            }
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = options.ViewportWidth, Height = options.ViewportHeight },
                DeviceScaleFactor = 1,
                ServiceWorkers = ServiceWorkerPolicy.Block,
            }).WaitAsync(cancellationToken).ConfigureAwait(false);
            var page = await context.NewPageAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Launched(playwright, browser, context, page, executable);
        }
        catch
        {
            if (browser is not null) await Quietly.AwaitAsync(browser.CloseAsync()).ConfigureAwait(false);
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>The full path of <paramref name="path"/> (looked up on <c>PATH</c> when it is a bare name), or <see langword="null"/>.</summary>
    internal static string? ResolveExecutable(string path)
    {
        if (path.Contains('/') || path.Contains('\\')) return File.Exists(path) ? Path.GetFullPath(path) : null;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, path);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
