using System.Text.Json;

namespace Glm4vSK.Connector.Parsing;

/// <summary>Typing of GLM tool-call argument values (vLLM <c>glm45</c>: schema string → raw; else JSON, then Python literal, else the stripped text).</summary>
public static class ToolArgumentValues
{
    /// <summary>
    /// The value of one <c>&lt;arg_value&gt;</c>: the raw text when the parameter is a string; otherwise the stripped text
    /// parsed as JSON, else as a Python literal (<c>True</c>, <c>None</c>, <c>'a'</c>, <c>{'x': 1}</c>), else the stripped
    /// text. Result types: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <c>null</c>,
    /// <see cref="JsonElement"/> (objects, arrays).
    /// </summary>
    public static object? Type(string rawValue, bool isStringParameter)
    {
        ArgumentNullException.ThrowIfNull(rawValue);
        return ToPublic(isStringParameter ? rawValue : Deserialize(rawValue.Trim()));
    }

    /// <summary><c>json.loads</c>, then <c>ast.literal_eval</c>, else the text itself; the internal value model.</summary>
    internal static object? Deserialize(string text)
    {
        if (TryParseJson(text, out object? value)) return value;
        if (PythonLiteral.TryParse(text, out value)) return value;
        return text;
    }

    internal static bool TryParseJson(string text, out object? value)
    {
        value = null;
        if (text.Length == 0) return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            value = FromJson(doc.RootElement);
            return true;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // ArgumentException: a lone surrogate, which cannot be transcoded to UTF-8.
            return false;
        }
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
                return e.GetString();
            case JsonValueKind.Number:
                object n = PythonStyleJson.JsonNumber(e.GetRawText());
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
            using var doc = JsonDocument.Parse(PythonStyleJson.Serialize(value));
            return doc.RootElement.Clone();
        }
        return value;
    }
}
