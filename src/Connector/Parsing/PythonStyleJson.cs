using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Glm4vSK.Connector.Parsing;

/// <summary>
/// Writes JSON the way Python's <c>json.dumps(value, ensure_ascii=False)</c> does, which is how vLLM serialises tool-call
/// arguments: separators <c>", "</c> and <c>": "</c>, non-ASCII written raw (never <c>\u</c> escapes), floats as
/// <c>repr(float)</c>.
/// </summary>
/// <remarks>
/// Values: <c>null</c>, <see cref="bool"/>, integer types, <see cref="double"/>/<see cref="float"/>/<see cref="decimal"/>,
/// <see cref="string"/>, <see cref="JsonElement"/>, dictionaries with string keys, and other enumerables (as arrays).
/// </remarks>
internal static class PythonStyleJson
{
    public static string Serialize(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    public static void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case long or int or short or sbyte or byte or ushort or uint or ulong or System.Numerics.BigInteger:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(FormatFloat(d));
                break;
            case float f:
                sb.Append(FormatFloat(double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)));
                break;
            case decimal m:
                sb.Append(FormatFloat((double)m));
                break;
            case JsonElement e:
                WriteElement(sb, e);
                break;
            case IEnumerable<KeyValuePair<string, object?>> dict:
                sb.Append('{');
                bool first = true;
                foreach (var (k, v) in dict)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, k);
                    sb.Append(": ");
                    Write(sb, v);
                }
                sb.Append('}');
                break;
            case IEnumerable list:
                sb.Append('[');
                bool firstItem = true;
                foreach (object? item in list)
                {
                    if (!firstItem) sb.Append(", ");
                    firstItem = false;
                    Write(sb, item);
                }
                sb.Append(']');
                break;
            default:
                throw new NotSupportedException($"Cannot write a value of type {value.GetType()} as JSON.");
        }
    }

    static void WriteElement(StringBuilder sb, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                bool first = true;
                foreach (var p in e.EnumerateObject())
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, p.Name);
                    sb.Append(": ");
                    WriteElement(sb, p.Value);
                }
                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                bool firstItem = true;
                foreach (var item in e.EnumerateArray())
                {
                    if (!firstItem) sb.Append(", ");
                    firstItem = false;
                    WriteElement(sb, item);
                }
                sb.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(sb, e.GetString()!);
                break;
            case JsonValueKind.Number:
                Write(sb, JsonNumber(e.GetRawText()));
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    /// <summary>A JSON number as Python's <c>json.loads</c> types it: an int (here <see cref="long"/>, or <see cref="double"/>
    /// beyond its range) when written without <c>.</c>/<c>e</c>/<c>E</c>, otherwise a float.</summary>
    public static object JsonNumber(string raw)
    {
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            return l;
        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        AppendEscaped(sb, s);
        sb.Append('"');
    }

    /// <summary>The characters that go between the quotes of a JSON string, escaped as <c>json.dumps(ensure_ascii=False)</c> does.</summary>
    /// <remarks>A lone surrogate (not valid Unicode, so not representable in UTF-8 JSON) is written as U+FFFD.</remarks>
    public static void AppendEscaped(StringBuilder sb, ReadOnlySpan<char> s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) sb.Append(c).Append(s[++i]);
                else sb.Append('\uFFFD');
                continue;
            }
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
    }

    /// <summary>Python's <c>repr(float)</c>, shared with the chat templates' <c>tojson</c>.</summary>
    public static string FormatFloat(double d) => Glm4vSK.LocalEngine.Processing.PythonJson.FormatFloat(d);
}
