namespace Glm4vSK.Agents.Executors;

/// <summary>Settings for a <see cref="PlaywrightWebExecutor"/>.</summary>
public sealed class WebExecutorOptions
{
    /// <summary>
    /// The Chromium executable Playwright launches (required by <see cref="PlaywrightWebExecutor.LaunchAsync"/>: no
    /// browser is downloaded). A bare name is looked up on <c>PATH</c>. Default <c>/usr/bin/chromium</c> (Debian's
    /// <c>chromium</c> package).
    /// </summary>
    public string ExecutablePath { get; init; } = "/usr/bin/chromium";

    /// <summary>Run the browser without a window. Default <see langword="true"/>; headful needs an X display.</summary>
    public bool Headless { get; init; } = true;

    /// <summary>The viewport (= screenshot size at device scale factor 1) of a launched browser. Default 1280 × 800.</summary>
    public WebViewport Viewport { get; init; } = WebViewport.Default;

    /// <summary>
    /// The page a launched browser opens first (<see langword="null"/> = <c>about:blank</c>). Its origin is the site
    /// the default <see cref="AllowNavigation"/> permits.
    /// </summary>
    public string? StartUrl { get; init; }

    /// <summary>
    /// Label the interactive elements on each screenshot and list them in <see cref="Screens.GuiObservation.Elements"/>
    /// (the GLM-V web protocol, formats.md §2.5). Turn off for coordinate protocols (PC / mobile style), which
    /// take plain screenshots. Default <see langword="true"/>.
    /// </summary>
    public bool SetOfMarks { get; init; } = true;

    /// <summary>
    /// Which URLs the page may navigate to (page loads, link clicks, <c>GoBack</c>, the search action). A navigation
    /// to any other URL is blocked before a request leaves the browser and the action comes back failed.
    /// <see langword="null"/> (default) allows loopback hosts (<c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c>) and
    /// the origin of <see cref="StartUrl"/> (or of the wrapped page's URL); <c>about:</c>, <c>data:</c> and
    /// <c>blob:</c> URLs are always allowed.
    /// </summary>
    public Func<Uri, bool>? AllowNavigation { get; init; }

    /// <summary>
    /// The page the web protocol's <c>Bing</c> action opens (a <c>Google</c> action opens
    /// <c>https://www.google.com/</c>); used only when <see cref="AllowNavigation"/> permits it. Default
    /// <c>https://www.bing.com/</c>.
    /// </summary>
    public string SearchUrl { get; init; } = "https://www.bing.com/";

    /// <summary>
    /// Pixels one web <c>Scroll</c> or direction-only swipe moves; <see langword="null"/> (default) = two thirds of
    /// the viewport height for the window, or of the scrolled element's height (as WebVoyager scrolls).
    /// </summary>
    public int? ScrollAmount { get; init; }

    /// <summary>Pixels per wheel click for the PC <c>scroll(…, step=n)</c> action. Default 100.</summary>
    public int WheelClickPixels { get; init; } = 100;

    /// <summary>Wheel clicks for a PC <c>scroll</c> without <c>step=</c>. Default 5.</summary>
    public int ScrollClicksDefault { get; init; } = 5;

    /// <summary>Delay between typed characters. Default 0 (as fast as the page takes them).</summary>
    public int TypeDelayMs { get; init; }

    /// <summary>How long <c>Wait</c> waits. Default 2 s.</summary>
    public TimeSpan WaitDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Pause after a pointer or key action before the outcome is reported, so that a navigation it started is seen
    /// (and a blocked one reported). Default 100 ms.
    /// </summary>
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest a page load (start page, <c>GoBack</c>, search) may take. Default 30 s.</summary>
    public TimeSpan NavigationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="PlaywrightWebExecutor.ObserveAsync"/> waits for a loading page to finish before it takes the screenshot anyway. Default 5 s.</summary>
    public TimeSpan LoadWaitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest the browser launch may take. Default 30 s.</summary>
    public TimeSpan LaunchTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest element text kept in <see cref="Screens.GuiElement.Text"/>. Default 80 characters.</summary>
    public int MaxElementTextLength { get; init; } = 80;

    /// <summary>Extra Chromium command-line flags, after the executor's own (runtime.md §3).</summary>
    public IReadOnlyList<string> AdditionalArguments { get; init; } = [];
}
