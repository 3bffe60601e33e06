namespace Glm4vSK.Agents.Executors;

/// <summary>Settings for an <see cref="X11DesktopExecutor"/>.</summary>
public sealed class X11ExecutorOptions
{
    /// <summary>The X display to drive (<c>:99</c>); <see langword="null"/> = the <c>DISPLAY</c> environment variable.</summary>
    public string? Display { get; init; }

    /// <summary>The xdotool executable (a name looked up on <c>PATH</c>, or a full path). Default <c>xdotool</c>.</summary>
    public string XdotoolPath { get; init; } = "xdotool";

    /// <summary>Wheel clicks for a <c>scroll</c> without <c>step=</c> (the GLM-V PC default). Default 5.</summary>
    public int ScrollClicksDefault { get; init; } = 5;

    /// <summary>The most wheel clicks one <c>scroll</c> may send (larger <c>step=</c> values are capped). Default 50.</summary>
    public int MaxScrollClicks { get; init; } = 50;

    /// <summary>Delay between typed characters (<c>xdotool type --delay</c>). Default 12 ms (xdotool's own default).</summary>
    public int TypeDelayMs { get; init; } = 12;

    /// <summary>Delay between the two clicks of a double click. Default 80 ms.</summary>
    public int DoubleClickDelayMs { get; init; } = 80;

    /// <summary>Pause between pressing, moving and releasing in a drag. Default 50 ms.</summary>
    public int DragStepDelayMs { get; init; } = 50;

    /// <summary>How long <c>WAIT()</c> waits. Default 5 s (the GLM-V PC prompt's meaning of <c>WAIT</c>).</summary>
    public TimeSpan WaitDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest one xdotool run may take before it is killed (typing long text takes a while). Default 60 s.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
