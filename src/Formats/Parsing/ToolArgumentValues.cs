using System.Text.Json;

namespace Glm4vSK.Formats;

/// <summary>Typing of GLM tool-call argument values (vLLM <c>glm45</c>: schema string → raw; else JSON, then Python literal, else the stripped text).</summary>
public static class ToolArgumentValues
{
    /// <summary>
    /// The value of one <c>&lt;arg_value&gt;</c>: the raw text when the parameter is a string; otherwise the stripped text
    /// parsed as JSON, else as a Python literal (<c>True</c>, <c>None</c>, <c>'a'</c>, <c>{'x': 1}</c>), else the stripped
    /// text. Result types: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <c>null</c>,
    /// <see cref="JsonElement"/> (objects, arrays). A value nested deeper than 32 levels is not read: it is the stripped
    /// text (and <see cref="Glm45ToolCallParser"/> leaves a call holding one as text).
    /// </summary>
    public static object? Type(string rawValue, bool isStringParameter)
    {
        ArgumentNullException.ThrowIfNull(rawValue);
        return ToPublic(isStringParameter ? rawValue : Deserialize(rawValue.Trim()));
    }

    /// <summary><c>json.loads</c>, then <c>ast.literal_eval</c>, else the text itself; the internal value model.</summary>
    internal static object? Deserialize(string text) => Deserialize(text, out _);

    /// <summary>
    /// <see cref="Deserialize(string)"/>, also saying whether the text was not read because it nests deeper than
    /// <see cref="NestingLimit.MaxDepth"/> (a tool call holding such a value is malformed).
    /// </summary>
    internal static object? Deserialize(string text, out bool tooDeep)
    {
        if (TryParseJson(text, out object? value, out bool jsonTooDeep)) { tooDeep = false; return value; }
        if (PythonLiteral.TryParse(text, out value, out bool literalTooDeep)) { tooDeep = false; return value; }
        tooDeep = jsonTooDeep || literalTooDeep;
        return text;
    }

    internal static bool TryParseJson(string text, out object? value) => TryParseJson(text, out value, out _);

    /// <summary>JSON nested at most <see cref="NestingLimit.MaxDepth"/> levels; <paramref name="tooDeep"/> when it failed for going deeper.</summary>
    internal static bool TryParseJson(string text, out object? value, out bool tooDeep)
    {
        value = null;
        tooDeep = false;
        if (text.Length == 0) return false;
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = NestingLimit.MaxDepth });
            value = FromJson(doc.RootElement);
            return true;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // ArgumentException: a lone surrogate, which cannot be transcoded to UTF-8. InvalidOperationException: an
            // escaped lone surrogate in a property name, which System.Text.Json will not read as a string.
            tooDeep = e is JsonException && JsonNestsTooDeep(text);
            return false;
        }
    }

    /// <summary>Whether the JSON text opens an object or array deeper than the limit before any syntax error (the reader is iterative).</summary>
    static bool JsonNestsTooDeep(string text)
    {
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            while (reader.Read())
                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject && reader.CurrentDepth >= NestingLimit.MaxDepth)
                    return true;
        }
        catch (JsonException)
        {
        }
        return false;
    }

    internal static object? FromJson(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject()) dict[p.Name] = FromJson(p.Value);
                return dict;
            case JsonValueKind.Array:
                return e.EnumerateArray().Select(FromJson).ToList();
            case JsonValueKind.String:
                return PythonJson.ReadString(e);
            case JsonValueKind.Number:
                object n = PythonJson.ParseNumber(e.GetRawText());
                // Python would give inf, which JSON cannot carry back: treat the text as not JSON.
                if (n is double d && !double.IsFinite(d)) throw new JsonException("Number out of range.");
                return n;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>Internal value → the public argument representation (containers become <see cref="JsonElement"/>).</summary>
    internal static object? ToPublic(object? value)
    {
        if (value is List<object?> or OrderedDictionary<string, object?>)
        {
            using var doc = JsonDocument.Parse(PythonJson.Serialize(value, replaceLoneSurrogates: true));
            return doc.RootElement.Clone();
        }
        return value;
    }
}
