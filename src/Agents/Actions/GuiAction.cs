using System.Text.Json.Nodes;
using Glm4vSK.Agents.Protocols;
using Glm4vSK.Formats;

namespace Glm4vSK.Agents.Actions;

/// <summary>
/// One parsed GUI action. <see cref="Type"/> and <see cref="Args"/> are exactly the protocol's own
/// (snake_case type; the protocol's arguments as parsed); <see cref="Kind"/> is the
/// protocol-independent meaning; <see cref="Point"/> is the target in thousandths.
/// </summary>
/// <param name="Protocol">The protocol that produced the action.</param>
/// <param name="Kind">What the action does.</param>
/// <param name="Type">The fixture's snake_case type (<c>click</c>, <c>left_click</c>, <c>wait</c> for <c>WAIT()</c>, <c>type</c> for <c>Type_Name</c>, …).</param>
/// <param name="Name">The action name as the model wrote it (<c>WAIT</c>, <c>Long Press</c>, <c>Type_Name</c>, <c>GoBack</c>, …).</param>
/// <param name="Args">The arguments: strings, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <see langword="null"/>, lists and string-keyed dictionaries.</param>
/// <param name="Point">The target point in thousandths (box centre, <c>start_box</c>, <c>element</c>, swipe start), or <see langword="null"/>.</param>
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
    /// <summary><see cref="Point"/> in pixels of a <paramref name="width"/> × <paramref name="height"/> screenshot, or <see langword="null"/>.</summary>
    public PixelPoint? ToPixels(int width, int height) => Point?.ToPixels(width, height);

    /// <summary><see cref="EndPoint"/> in pixels, or <see langword="null"/>.</summary>
    public PixelPoint? EndToPixels(int width, int height) => EndPoint?.ToPixels(width, height);

    /// <summary>A string argument, or <see langword="null"/> when absent or not a string.</summary>
    public string? GetString(string key) => Args.TryGetValue(key, out object? v) ? v as string : null;

    /// <summary>The text to type, answer or report: <c>text</c>, <c>content</c>, <c>message</c> or <c>keys</c>/<c>key</c>, whichever the protocol uses.</summary>
    public string? Text => GetString("text") ?? GetString("content") ?? GetString("message") ?? GetString("keys") ?? GetString("key");

    /// <summary>The direction of a scroll or swipe (<c>up</c>, <c>down</c>, <c>left</c>, <c>right</c>), or <see langword="null"/>.</summary>
    public string? Direction => GetString("direction");

    /// <summary>The arguments as a JSON object (the shape the fixtures use).</summary>
    public JsonObject ArgsToJson() => (JsonObject)PythonLiteral.ToJsonNode(Args)!;
}
