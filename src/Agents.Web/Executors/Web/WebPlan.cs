using System.Globalization;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// What a <see cref="PlaywrightWebExecutor"/> will do for one action (made by <see cref="WebPlanner"/>, performed by
/// <see cref="WebPlanRunner"/>): one browser <see cref="Step"/>, or a refusal with <see cref="Failure"/>. With
/// <see cref="Settle"/>, the executor pauses after a successful step and reports a page load it blocked or a tab the
/// page opened (pointer, typing and key actions; scrolls, waits and navigations report their own result).
/// </summary>
internal sealed record WebPlan(WebStep? Step, bool Settle = false, string? Failure = null)
{
    internal static WebPlan Do(WebStep step, bool settle = false) => new(step, settle);

    internal static WebPlan Refuse(string failure) => new(null, Failure: failure);
}

/// <summary>One browser step of a <see cref="WebPlan"/>.</summary>
internal abstract record WebStep;

/// <summary>The pointer gestures a <see cref="PointerAt"/> step makes.</summary>
internal enum WebGesture
{
    Click,
    DoubleClick,
    RightClick,
    MiddleClick,
    LongPress,
    Hover,
}

/// <summary>
/// A pointer gesture at <paramref name="Target"/>; the outcome is "<paramref name="Verb"/> <i>target</i>". With
/// <paramref name="Retarget"/>, a link there that would open a new tab opens in this one (WebVoyager's behaviour).
/// </summary>
/// <param name="Hold">How long a long press holds the button; zero for the other gestures.</param>
internal sealed record PointerAt(WebTarget Target, WebGesture Gesture, string Verb, bool Retarget, TimeSpan Hold) : WebStep;

/// <summary>Press at <paramref name="From"/>, move to <paramref name="To"/> in <paramref name="MoveSteps"/> steps, release.</summary>
internal sealed record DragBetween(WebPoint From, WebPoint To, int MoveSteps, string Description) : WebStep;

/// <summary>
/// Type <paramref name="Text"/> into the element at <paramref name="Target"/> (clicked first; a <c>&lt;select&gt;</c>
/// there gets the matching option instead) or, without a target, into whatever has focus.
/// </summary>
/// <param name="Clear">Select all and delete first.</param>
/// <param name="Enter">Press Enter afterwards.</param>
/// <param name="SeenAsPassword">The labelled element was a password field in the observation (the page may have changed since; what the model saw counts too).</param>
internal sealed record TypeInto(WebTarget? Target, string Text, bool Clear, bool Enter, bool SeenAsPassword) : WebStep
{
    /// <summary>How many characters of non-secret text the outcome repeats.</summary>
    internal const int EchoLength = 60;

    /// <summary>
    /// The outcome text: a secret is never echoed (only its length), and what had focus is reported when typing
    /// may not have reached a text field.
    /// </summary>
    public string Describe(string where, bool secret, SetOfMarks.ElementInfo? focused)
    {
        string typed = secret ? $"typed {Text.Length} characters" : $"typed \"{WebText.Shorten(Text, EchoLength)}\"";
        string message = $"{typed} into {where}{(Clear ? " (cleared first)" : "")}{(Enter ? " and pressed Enter" : "")}";
        if (focused is null) return message + "; nothing had focus, so the keys went to the page";
        if (focused.SealedFrame is not null) return message + "; the focus is inside a frame the executor cannot inspect";
        if (!focused.Editable) return message + $"; the focused element {focused} is not a text field";
        return message;
    }
}

/// <summary>Press each combo of <paramref name="Presses"/> (Playwright key names) in turn.</summary>
internal sealed record PressKeys(IReadOnlyList<string> Presses) : WebStep
{
    public string Description => $"pressed {string.Join(", ", Presses)}";
}

/// <summary>
/// Scroll the scrollable box around <paramref name="Around"/> (a web <c>Scroll [n]</c>), or the window when
/// <paramref name="Around"/> is <see langword="null"/>, by <paramref name="Pixels"/> (<see langword="null"/> = two thirds
/// of the scrolled box, as WebVoyager scrolls); the page reports what moved (<see cref="ScrollReport"/>).
/// </summary>
internal sealed record ScrollBox(WebTarget? Around, bool Down, int? Pixels) : WebStep
{
    public string Direction => Down ? "down" : "up";

    public int Sign => Down ? 1 : -1;
}

/// <summary>Move the pointer to <paramref name="At"/> and turn the wheel by (<paramref name="Dx"/>, <paramref name="Dy"/>) pixels.</summary>
internal sealed record Wheel(WebPoint At, double Dx, double Dy, string Description) : WebStep;

/// <summary>Go back in the page's history.</summary>
internal sealed record GoBack : WebStep;

/// <summary>Open <paramref name="Url"/> in the current page (already checked against the navigation rule).</summary>
internal sealed record Navigate(Uri Url) : WebStep;

/// <summary>Wait <paramref name="Duration"/>.</summary>
internal sealed record WaitFor(TimeSpan Duration) : WebStep
{
    public string Description => $"waited {Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
