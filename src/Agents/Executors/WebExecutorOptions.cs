namespace Glm4vSK.Agents.Executors;

/// <summary>Settings for <see cref="PlaywrightWebExecutor"/>.</summary>
public sealed class WebExecutorOptions
{
    /// <summary>The Chromium binary. Playwright never downloads a browser here: this must exist. Default <c>/usr/bin/chromium</c>.</summary>
    public string ExecutablePath { get; init; } = "/usr/bin/chromium";

    /// <summary>Run without a window. Default true.</summary>
    public bool Headless { get; init; } = true;

    /// <summary>Viewport width in CSS pixels (= screenshot pixels). Default 1280.</summary>
    public int ViewportWidth { get; init; } = 1280;

    /// <summary>Viewport height in CSS pixels. Default 800.</summary>
    public int ViewportHeight { get; init; } = 800;

    /// <summary>The page to open after launch.</summary>
    public Uri? StartUrl { get; init; }

    /// <summary>
    /// Label the interactive elements on each screenshot and return them (<see cref="Screens.GuiObservation.Elements"/>):
    /// required by the GLM-V web (set-of-marks) protocol. Coordinate protocols (PC / mobile style) want plain screenshots.
    /// </summary>
    public bool SetOfMarks { get; init; }

    /// <summary>
    /// Which URLs the browser may load (every request, not only navigations, when the executor launched the browser).
    /// <see langword="null"/> = loopback hosts, <c>file:</c>, <c>data:</c>, <c>about:</c> and the start URL's origin.
    /// </summary>
    public Func<Uri, bool>? AllowNavigation { get; init; }

    /// <summary>Where the web protocol's <c>Bing</c> (search) action goes, if <see cref="AllowNavigation"/> allows it.</summary>
    public Uri SearchUrl { get; init; } = new("https://www.bing.com/");

    /// <summary>Pixels per scroll action (web <c>Scroll [n]; [down]</c>); 0 = two thirds of the viewport height.</summary>
    public int ScrollPixels { get; init; }

    /// <summary>Pixels per wheel click for <c>scroll(…, step=k)</c>. Default 100.</summary>
    public int WheelClickPixels { get; init; } = 100;

    /// <summary>How long <c>Wait</c> waits when the action gives no duration. Default 2 s.</summary>
    public TimeSpan WaitDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra Chromium command-line arguments (added after the offline-friendly defaults).</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
