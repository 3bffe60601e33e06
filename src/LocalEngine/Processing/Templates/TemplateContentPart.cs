using System.Text.Json.Nodes;
using Glm4vSK.Formats;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// One item of a message's content list (Hugging Face <c>{"type": "text" | "image" | "video", ...}</c>). Images and
/// videos carry no pixels here: the templates only write placeholders, and the caller keeps the media, located by
/// (message index, part index).
/// </summary>
public sealed class TemplateContentPart
{
    TemplateContentPart(TemplatePartKind kind, string? text, JsonNode? json)
    {
        Kind = kind;
        Text = text;
        Json = json;
    }

    /// <summary>An image placeholder.</summary>
    public static TemplateContentPart Image { get; } = new(TemplatePartKind.Image, null, null);

    /// <summary>A video placeholder.</summary>
    public static TemplateContentPart Video { get; } = new(TemplatePartKind.Video, null, null);

    /// <summary>A text part.</summary>
    public static TemplateContentPart FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(TemplatePartKind.Text, text, null);
    }

    /// <summary>
    /// A JSON value in a tool result list (only allowed in <see cref="TemplateRole.Tool"/> messages), written with
    /// <c>tojson</c>. The node is copied.
    /// </summary>
    public static TemplateContentPart FromJson(JsonNode value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(TemplatePartKind.Json, null, value.DeepClone());
    }

    public TemplatePartKind Kind { get; }

    /// <summary>The text of a <see cref="TemplatePartKind.Text"/> part; null otherwise.</summary>
    public string? Text { get; }

    /// <summary>The value of a <see cref="TemplatePartKind.Json"/> part; null otherwise. Do not modify it.</summary>
    public JsonNode? Json { get; }

    public override string ToString() => Kind switch
    {
        TemplatePartKind.Text => Text!,
        TemplatePartKind.Json => PythonJson.Serialize(Json),
        _ => $"<{Kind.ToString().ToLowerInvariant()}>",
    };
}
