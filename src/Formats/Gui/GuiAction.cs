using System.Text.Json.Nodes;

namespace Glm4vSK.Formats.Gui;

/// <summary>
/// One parsed GUI action. <see cref="Type"/>, <see cref="Name"/> and <see cref="Args"/> are the protocol's own spelling
/// (kept for traces and for prompt history); everything an executor needs is in the typed members, which the parser
/// fills by one rule per field, so no executor reads <see cref="Args"/>.
/// </summary>
/// <param name="Protocol">The protocol that produced the action.</param>
/// <param name="Kind">What the action does.</param>
/// <param name="Type">The fixture's snake_case type (<c>click</c>, <c>left_click</c>, <c>wait</c> for <c>WAIT()</c>, <c>type</c> for <c>Type_Name</c>, …).</param>
/// <param name="Name">The action name as the model wrote it (<c>WAIT</c>, <c>Long Press</c>, <c>Type_Name</c>, <c>GoBack</c>, …).</param>
/// <param name="Args">The arguments as parsed: strings, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <see langword="null"/>, lists and string-keyed dictionaries.</param>
/// <param name="Point">The target in thousandths (box centre, <c>start_box</c>, <c>element</c>, swipe start), or <see langword="null"/>.</param>
/// <param name="EndPoint">The end of a drag or swipe in thousandths, or <see langword="null"/>.</param>
public sealed record GuiAction(
    GuiProtocol Protocol,
    GuiActionKind Kind,
    string Type,
    string Name,
    IReadOnlyDictionary<string, object?> Args,
    GuiPoint? Point = null,
    GuiPoint? EndPoint = null)
{
    /// <summary>The text to type (<see cref="GuiActionKind.TypeText"/>), or <see langword="null"/>.</summary>
    public string? Text { get; init; }

    /// <summary>Whether typing replaces the field's text rather than inserting at the cursor (mobile <c>override=True</c>, AutoGLM <c>Type</c>, web <c>Type [n]</c>).</summary>
    public bool ReplaceText { get; init; }

    /// <summary>Whether Enter is pressed after typing (WebVoyager <c>Type [n]</c> and AndroidWorld <c>input_text</c> submit what they type).</summary>
    public bool PressEnter { get; init; }

    /// <summary>The key or hotkey as written (<c>ctrl+s</c>, <c>Enter</c>, <c>keyboard_enter</c> → <c>Enter</c>), or <see langword="null"/>.</summary>
    public string? Keys { get; init; }

    /// <summary>The element box in thousandths (GLM-V mobile <c>box_2d</c>; <see cref="Point"/> is its centre), or <see langword="null"/>.</summary>
    public GuiBox? Box { get; init; }

    /// <summary>
    /// The direction of a scroll or swipe: for <see cref="GuiActionKind.Scroll"/> the way the content moves into view
    /// (<c>down</c> shows what is below), for <see cref="GuiActionKind.Swipe"/> the way the finger moves.
    /// </summary>
    public GuiDirection? Direction { get; init; }

    /// <summary>How far to scroll in wheel clicks (PC <c>step=</c>), or <see langword="null"/> for the executor's default.</summary>
    public int? Steps { get; init; }

    /// <summary>How long to wait (AutoGLM <c>Wait(duration="2 seconds")</c>, at most <see cref="GuiWait.Longest"/>), or <see langword="null"/> for the executor's default.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The app to open (<see cref="GuiActionKind.OpenApp"/>), or <see langword="null"/>.</summary>
    public string? App { get; init; }

    /// <summary>
    /// What the model says to the user: the answer, the finish message, what a take-over or choice asks for, a note's
    /// content, or the reason a sensitive tap needs confirmation (AutoGLM <c>Tap(message=…)</c>); otherwise <see langword="null"/>.
    /// </summary>
    public string? Message { get; init; }

    /// <summary>The set-of-marks element number (web); for a scroll, <see langword="null"/> means the window.</summary>
    public int? Label { get; init; }

    /// <summary>For <see cref="GuiActionKind.Finish"/>: <see langword="false"/> when the model gave up (<c>FAIL</c>, <c>goal_status="infeasible"</c>), else <see langword="true"/>.</summary>
    public bool Succeeded { get; init; } = true;

    /// <summary><see cref="Point"/> in pixels of a <paramref name="width"/> × <paramref name="height"/> screenshot, or <see langword="null"/>.</summary>
    public PixelPoint? ToPixels(int width, int height) => Point?.ToPixels(width, height);

    /// <summary><see cref="EndPoint"/> in pixels, or <see langword="null"/>.</summary>
    public PixelPoint? EndToPixels(int width, int height) => EndPoint?.ToPixels(width, height);

    /// <summary>A short human description: the name and the text, keys, app or message it carries.</summary>
    public string Describe() => (Text ?? Keys ?? App ?? Message) is { Length: > 0 } t ? $"{Name}: {t}" : Name;

    /// <summary>The arguments as a JSON object (the shape the fixtures use).</summary>
    public JsonObject ArgsToJson() => (JsonObject)PythonLiteral.ToJsonNode(Args)!;
}
