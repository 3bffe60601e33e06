using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Recognises the JSON that function-calling layers make of a tool's image when they serialize its result before the
/// chat client sees it (Semantic Kernel's <c>KernelFunction</c> invoked as a plain <c>AIFunction</c> does), so the image
/// still reaches the model as an image. Recognised, and nothing looser:
/// <list type="bullet">
/// <item>a serialized <c>DataContent</c>: an object with a <c>data:image/…</c> or <c>data:video/…</c> <c>"uri"</c>, and
/// otherwise only <c>"$type": "data"</c>, <c>"mediaType"</c>, <c>"name"</c>, <c>"additionalProperties"</c>;</item>
/// <item>a serialized Semantic Kernel <c>ImageContent</c>: an object with an <c>image/*</c> <c>"mimeType"</c> and base64
/// <c>"data"</c>, and otherwise only <c>"$type": "ImageContent"</c>, <c>"modelId"</c>, <c>"metadata"</c>;</item>
/// <item>an array holding at least one of these; its text items (<c>{"$type": "text" | "TextContent", "text": …}</c>)
/// become text, its other items stay JSON.</item>
/// </list>
/// </summary>
internal static class SerializedMediaResult
{
    static readonly HashSet<string> DataContentProperties = ["$type", "uri", "mediaType", "name", "additionalProperties"];
    static readonly HashSet<string> ImageContentProperties = ["$type", "mimeType", "data", "modelId", "metadata"];
    static readonly HashSet<string> TextProperties = ["$type", "text", "modelId", "metadata", "encoding", "annotations", "additionalProperties"];

    /// <summary>The media content (or list of contents and JSON items) <paramref name="element"/> stands for; null when it is ordinary JSON.</summary>
    public static object? TryConvert(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object) return TryMedia(element);
        if (element.ValueKind != JsonValueKind.Array) return null;
        var items = element.EnumerateArray().Select(e => (Element: e, Media: e.ValueKind == JsonValueKind.Object ? TryMedia(e) : null)).ToList();
        if (!items.Any(i => i.Media is not null)) return null;
        return items.Select(i => i.Media ?? TryText(i.Element) ?? (object)i.Element).ToList();
    }

    static AIContent? TryMedia(JsonElement o)
    {
        if (Str(o, "uri") is { } uri && uri.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
            && Only(o, DataContentProperties) && TypeIs(o, "data"))
        {
            try
            {
                var content = new DataContent(uri);
                return content.HasTopLevelMediaType("image") || content.HasTopLevelMediaType("video") ? content : null;
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return null;
            }
        }
        if (Str(o, "mimeType") is { } mime && mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && Str(o, "data") is { } data
            && Only(o, ImageContentProperties) && TypeIs(o, "ImageContent"))
        {
            try
            {
                return new DataContent(Convert.FromBase64String(data), mime);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return null;
            }
        }
        return null;
    }

    static TextContent? TryText(JsonElement o) =>
        o.ValueKind == JsonValueKind.Object && Str(o, "$type") is "text" or "TextContent" && Str(o, "text") is { } text && Only(o, TextProperties)
            ? new TextContent(text)
            : null;

    static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    static bool Only(JsonElement o, HashSet<string> allowed) => o.EnumerateObject().All(p => allowed.Contains(p.Name));

    static bool TypeIs(JsonElement o, string discriminator) => !o.TryGetProperty("$type", out var t) || (t.ValueKind == JsonValueKind.String && t.GetString() == discriminator);
}
