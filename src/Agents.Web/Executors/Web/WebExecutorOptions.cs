using Glm4vSK.Agents.Executors;

namespace Glm4vSK.Agents.Web;

/// <summary>Settings for <see cref="PlaywrightWebExecutor"/>.</summary>
public sealed class WebExecutorOptions
{
    /// <summary>
    /// The Chromium binary <see cref="PlaywrightWebExecutor.LaunchAsync"/> starts. Playwright never downloads a browser
    /// here: this must exist. A bare name is looked up on <c>PATH</c>. Default <c>/usr/bin/chromium</c> (Debian's
    /// <c>chromium</c> package).
    /// </summary>
    public string ExecutablePath { get; init; } = "/usr/bin/chromium";

    /// <summary>Run without a window. Default true; headful needs an X display.</summary>
    public bool Headless { get; init; } = true;

    /// <summary>Viewport width in CSS pixels (= screenshot pixels) of a launched browser. Default 1280.</summary>
    public int ViewportWidth { get; init; } = 1280;

    /// <summary>Viewport height in CSS pixels of a launched browser. Default 800.</summary>
    public int ViewportHeight { get; init; } = 800;

    /// <summary>
    /// The page to open after launch (<see langword="null"/> = <c>about:blank</c>). Its origin is the site the default
    /// navigation rule allows; for a wrapped page without a start URL, the page's current origin is.
    /// </summary>
    public Uri? StartUrl { get; init; }

    /// <summary>
    /// Label the interactive elements on each screenshot and return them (<see cref="Screens.GuiObservation.Elements"/>):
    /// required by the GLM-V web (set-of-marks) protocol. Coordinate protocols (PC / mobile style)
    /// want plain screenshots. Default false.
    /// </summary>
    public bool SetOfMarks { get; init; }

    /// <summary>
    /// Which URLs may be loaded. <see langword="null"/> = <see cref="PlaywrightWebExecutor.DefaultAllow(Uri?, WebExecutorOptions?)"/>:
    /// the start URL's origin (scheme, host, port; its <c>ws:</c>/<c>wss:</c> twin for WebSockets), plus what
    /// <see cref="AllowedOrigins"/>, <see cref="AllowLoopback"/> and <see cref="AllowFileUrls"/> add. <c>about:blank</c>,
    /// <c>about:srcdoc</c> and <c>data:</c> are always allowed, <c>blob:</c> when its creator's origin is, and <c>file:</c>
    /// only under <see cref="AllowFileUrls"/>, whatever this rule says. A page load (link, form, script, history) to any other URL is cancelled before it is sent and the action that
    /// caused it comes back failed, the page staying where it was; the search action and
    /// <see cref="PlaywrightWebExecutor.NavigateAsync(Uri, CancellationToken)"/> refuse such URLs without a request.
    /// In a browser the executor launched, every other request (images, scripts, <c>fetch</c>/XHR, WebSockets) to such
    /// URLs is blocked too, and with the default rule the browser is also started with a dead proxy for every host and
    /// port outside it (which stops what Playwright's routing cannot see, such as a web worker's WebSocket; a custom rule
    /// cannot be expressed that way). On a wrapped page only page loads are guarded.
    /// </summary>
    public Func<Uri, bool>? AllowNavigation { get; init; }

    /// <summary>
    /// Further origins (scheme, host and port of each URI; <c>http</c>, <c>https</c>, <c>ws</c> or <c>wss</c>) the
    /// default rule allows besides the start URL's, e.g. the API server of a local app on another port. Default none.
    /// </summary>
    public IReadOnlyList<Uri> AllowedOrigins { get; init; } = [];

    /// <summary>
    /// Let the default rule allow every loopback host (<c>localhost</c>, <c>127.0.0.0/8</c>, <c>::1</c>) on any port, for
    /// <c>http</c>, <c>https</c>, <c>ws</c> and <c>wss</c>. Default false: a page could otherwise reach every local
    /// service (other dev servers, a browser's DevTools port such as <c>ws://localhost:9222</c>); prefer listing the
    /// one origin you need in <see cref="AllowedOrigins"/>.
    /// </summary>
    public bool AllowLoopback { get; init; }

    /// <summary>
    /// Allow <c>file:</c> URLs in the folder of a <c>file:</c> <see cref="StartUrl"/> and below (a local site of HTML
    /// files). Without it, or when the start URL is not a <c>file:</c> URL, no <c>file:</c> URL is ever loaded, whatever
    /// <see cref="AllowNavigation"/> says. Default false.
    /// </summary>
    public bool AllowFileUrls { get; init; }

    /// <summary>
    /// Where the web protocol's <c>Bing</c> (search) action goes, if <see cref="AllowNavigation"/> allows it.
    /// Default <c>https://www.bing.com/</c>.
    /// </summary>
    public Uri SearchUrl { get; init; } = new("https://www.bing.com/");

    /// <summary>
    /// Pixels one web <c>Scroll</c> or direction-only swipe moves; 0 (default) = two thirds of the height of what is
    /// scrolled (the viewport, or the scrollable box around the labelled element), as WebVoyager scrolls.
    /// </summary>
    public int ScrollPixels { get; init; }

    /// <summary>Pixels per wheel click for the PC <c>scroll(…, step=k)</c> action. Default 100.</summary>
    public int WheelClickPixels { get; init; } = 100;

    /// <summary>Wheel clicks for a PC <c>scroll</c> without <c>step=</c>. Default 5.</summary>
    public int ScrollClicksDefault { get; init; } = 5;

    /// <summary>Delay between typed characters. Default 0 (as fast as the page takes them).</summary>
    public int TypeDelayMs { get; init; }

    /// <summary>How long <c>Wait</c> waits when the action gives no duration. Default 2 s.</summary>
    public TimeSpan WaitDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Pause after a pointer or key action before its outcome is reported, so that a page load it started is seen
    /// (and a blocked one reported). Default 100 ms.
    /// </summary>
    public TimeSpan SettleDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest a page load the executor starts (start page, <c>GoBack</c>, search) may take. Default 30 s.</summary>
    public TimeSpan NavigationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="PlaywrightWebExecutor.ObserveAsync"/> waits for a loading page before it takes the screenshot anyway. Default 5 s.</summary>
    public TimeSpan LoadWaitTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest the browser launch may take. Default 30 s.</summary>
    public TimeSpan LaunchTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest element text kept in <see cref="Screens.GuiElement.Text"/>. Default 80 characters.</summary>
    public int MaxElementTextLength { get; init; } = 80;

    /// <summary>
    /// Extra Chromium command-line arguments (added after the offline-friendly defaults). A proxy setting here
    /// (<c>--proxy-server</c>, <c>--proxy-pac-url</c>, <c>--no-proxy-server</c>) replaces the dead proxy that otherwise
    /// enforces the default <see cref="AllowNavigation"/> rule in the network stack; Playwright's routing still guards.
    /// </summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>Checks every setting; the executor calls it before it launches or wraps anything.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range (the message names it).</exception>
    internal void Validate()
    {
        const string name = "options";
        ArgumentException.ThrowIfNullOrWhiteSpace(ExecutablePath, name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ViewportWidth, name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ViewportHeight, name);
        ArgumentNullException.ThrowIfNull(SearchUrl, name);
        ArgumentOutOfRangeException.ThrowIfNegative(ScrollPixels, name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(WheelClickPixels, name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ScrollClicksDefault, name);
        ArgumentOutOfRangeException.ThrowIfNegative(TypeDelayMs, name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxElementTextLength, name);
        ArgumentOutOfRangeException.ThrowIfLessThan(WaitDuration, TimeSpan.Zero, name);
        ArgumentOutOfRangeException.ThrowIfLessThan(SettleDelay, TimeSpan.Zero, name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(NavigationTimeout, TimeSpan.Zero, name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LaunchTimeout, TimeSpan.Zero, name);
        ArgumentNullException.ThrowIfNull(ExtraArguments, name);
        ArgumentNullException.ThrowIfNull(AllowedOrigins, name);
        foreach (var origin in AllowedOrigins)
            if (!WebOriginPolicy.IsValidOrigin(origin))
                throw new ArgumentException(
                    $"WebExecutorOptions.AllowedOrigins: '{origin}' is not an absolute http, https, ws or wss URI; list origins such as " +
                    "http://127.0.0.1:8080/ (use AllowFileUrls for file: pages).", name);
    }
}
