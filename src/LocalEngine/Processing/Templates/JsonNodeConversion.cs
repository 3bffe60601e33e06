using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// CLR values (function-call arguments, function results) to <see cref="JsonNode"/>s that keep the distinctions
/// Python's <c>json.dumps</c> makes: numbers parsed from JSON keep their text, a <see cref="double"/> stays a float
/// (<c>3.0</c>), an <see cref="int"/> stays an int.
/// </summary>
internal static class JsonNodeConversion
{
    public static JsonNode? FromElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        _ => JsonValue.Create(element),
    };

    public static JsonNode? FromObject(object? value, JsonSerializerOptions? options = null) => value switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        JsonElement e => FromElement(e),
        JsonDocument d => FromElement(d.RootElement),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        short i16 => JsonValue.Create(i16),
        byte u8 => JsonValue.Create(u8),
        sbyte i8 => JsonValue.Create(i8),
        uint u32 => JsonValue.Create(u32),
        ulong u64 => JsonValue.Create(u64),
        ushort u16 => JsonValue.Create(u16),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        decimal m => JsonValue.Create(m),
        char c => JsonValue.Create(c.ToString()),
        IDictionary<string, object?> dict => FromDictionary(dict, options),
        _ => Serialize(value, options),
    };

    /// <summary>The value of a JSON string node (Python <c>str</c>); false for every other node.</summary>
    public static bool TryGetString(JsonNode? node, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return false;
        if (!v.TryGetValue(out value))
        {
            using var doc = JsonDocument.Parse(v.ToJsonString());
            value = doc.RootElement.GetString()!;
        }
        return true;
    }

    static JsonObject FromDictionary(IDictionary<string, object?> dict, JsonSerializerOptions? options)
    {
        var o = new JsonObject();
        foreach (var (k, v) in dict) o[k] = FromObject(v, options);
        return o;
    }

    static JsonNode? Serialize(object value, JsonSerializerOptions? options)
    {
        // Lists of plain values keep per-item typing; everything else goes through System.Text.Json (whose number
        // text for a double inside a POCO is "3" rather than Python's "3.0").
        if (value is IList list && list.Cast<object?>().All(IsPlain))
            return new JsonArray(list.Cast<object?>().Select(x => FromObject(x, options)).ToArray());
        var o = options ?? AIJsonUtilities.DefaultOptions;
        return JsonSerializer.SerializeToNode(value, o.GetTypeInfo(value.GetType()));
    }

    static bool IsPlain(object? x) => x is null or string or bool or int or long or short or byte or sbyte or uint or ulong or ushort
        or double or float or decimal or char or JsonNode or JsonElement;
}
