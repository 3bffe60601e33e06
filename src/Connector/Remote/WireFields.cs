using System.Text.Json;

namespace Glm4vSK.Connector.Remote;

/// <summary>A field of a server's response that has the wrong type or an impossible value; the client reports it as a <see cref="Glm4vRemoteException"/>.</summary>
internal sealed class MalformedFieldException(string path, string problem) : Exception($"'{path}' {problem}")
{
    public string Path { get; } = path;
}

/// <summary>
/// Typed reads of chat-completion fields: a missing field or JSON null is "not sent" (vLLM sends many nulls), any
/// other wrong type or value throws <see cref="MalformedFieldException"/> with the field's path
/// (<c>choices[0].delta.tool_calls[1].index</c>), so a broken server is reported instead of half-read.
/// </summary>
internal static class WireFields
{
    /// <summary>Larger token counts than this are not a real request's (and would overflow sums of them).</summary>
    public const long MaxTokenCount = int.MaxValue;

    public static string Path(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    /// <summary>The field's value, or null when it is missing or JSON null.</summary>
    public static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? v : null;

    public static string? String(JsonElement obj, string name, string parent) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        var v => throw Wrong(Path(parent, name), "a string", v.Value),
    };

    public static JsonElement? Object(JsonElement obj, string name, string parent) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } v => v,
        var v => throw Wrong(Path(parent, name), "an object", v.Value),
    };

    public static JsonElement? Array(JsonElement obj, string name, string parent) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } v => v,
        var v => throw Wrong(Path(parent, name), "an array", v.Value),
    };

    /// <summary>An element that must be an object (a choice, a tool call): null is not allowed here.</summary>
    public static void RequireObject(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Wrong(path, "an object", e, orNull: false);
    }

    /// <summary>A non-negative 32-bit integer (a choice's or tool call's <c>index</c>).</summary>
    public static int? Index(JsonElement obj, string name, string parent) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out int n) && n >= 0 => n,
        var v => throw Wrong(Path(parent, name), "a non-negative integer", v.Value),
    };

    /// <summary>A token count: an integer from 0 to <see cref="MaxTokenCount"/>.</summary>
    public static long? TokenCount(JsonElement obj, string name, string parent) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out long n) && n is >= 0 and <= MaxTokenCount => n,
        var v => throw Wrong(Path(parent, name), $"an integer from 0 to {MaxTokenCount}", v.Value),
    };

    /// <summary>Unix seconds (<c>created</c>) within the range of <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset? UnixTime(JsonElement obj, string name, string parent) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out long s)
            && s >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && s <= DateTimeOffset.MaxValue.ToUnixTimeSeconds() => DateTimeOffset.FromUnixTimeSeconds(s),
        var v => throw Wrong(Path(parent, name), "Unix seconds (an integer within years 1 to 9999)", v.Value),
    };

    public static MalformedFieldException Wrong(string path, string expected, JsonElement actual, bool orNull = true)
    {
        string raw = actual.GetRawText();
        if (raw.Length > 80) raw = raw[..80] + "…";
        return new MalformedFieldException(path, $"must be {expected}{(orNull ? " or null" : "")}, not {raw}");
    }
}
