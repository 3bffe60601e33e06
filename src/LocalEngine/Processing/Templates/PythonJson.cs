using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Python's <c>json.dumps(x, ensure_ascii=False)</c>, which is what the chat templates' <c>tojson</c> filter writes
/// (transformers' Jinja environment): separators <c>", "</c> and <c>": "</c>, keys in insertion order, no indentation.
/// </summary>
/// <remarks>
/// <para>Strings: <c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\b</c>, <c>\f</c>; every other character
/// below U+0020 as <c>\u00xx</c> (lower-case hex); everything else, non-ASCII and U+007F included, written raw.</para>
/// <para>Numbers follow the Python type the value would have after <c>json.loads</c>:</para>
/// <list type="bullet">
/// <item>A number parsed from JSON text (a <see cref="JsonElement"/>, or a <see cref="JsonNode"/> from
/// <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/>) without <c>.</c>, <c>e</c> or <c>E</c> is a
/// Python <c>int</c> and is written as written (normalised like Python: <c>-0</c> → <c>0</c>; arbitrary size).</item>
/// <item>Any other parsed number is a Python <c>float</c>, written as <c>repr(float)</c>: the shortest digits that
/// round-trip, fixed notation for decimal exponents −4 ≤ e &lt; 16 with at least one fractional digit
/// (<c>3.0</c>, <c>0.0001</c>, <c>1000000000000000.0</c>), otherwise scientific with a signed two-digit-minimum
/// exponent (<c>1e-05</c>, <c>1e+16</c>, <c>1.5e+300</c>); <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>.</item>
/// <item>CLR values: <see cref="double"/> is a Python float (<c>3.0</c> → <c>3.0</c>, <c>1e-5</c> → <c>1e-05</c>);
/// <see cref="float"/> and <see cref="Half"/> are widened through their own shortest text (<c>0.1f</c> → <c>0.1</c>);
/// <see cref="decimal"/> with scale 0 is an int, otherwise a float of its value (<c>2.50m</c> → <c>2.5</c>); integer types are
/// ints.</item>
/// </list>
/// </remarks>
public static class PythonJson
{
    /// <summary><c>json.dumps(value, ensure_ascii=False)</c>; a null node is <c>null</c>.</summary>
    public static string Serialize(JsonNode? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    /// <summary><c>json.dumps(value, ensure_ascii=False)</c> of a parsed JSON value.</summary>
    public static string Serialize(JsonElement value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    /// <summary>Appends <c>json.dumps(value, ensure_ascii=False)</c>.</summary>
    public static void Write(StringBuilder sb, JsonNode? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                sb.Append('{');
                bool first = true;
                foreach (var (key, item) in o)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, key);
                    sb.Append(": ");
                    Write(sb, item);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (int i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(sb, a[i]);
                }
                sb.Append(']');
                break;
            case JsonValue v:
                WriteValue(sb, v);
                break;
            default:
                throw new NotSupportedException($"Unknown JSON node type {value.GetType().Name}.");
        }
    }

    /// <summary>Appends <c>json.dumps(value, ensure_ascii=False)</c> of a parsed JSON value.</summary>
    public static void Write(StringBuilder sb, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                bool first = true;
                foreach (var p in value.EnumerateObject())
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, p.Name);
                    sb.Append(": ");
                    Write(sb, p.Value);
                }
                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                bool firstItem = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!firstItem) sb.Append(", ");
                    firstItem = false;
                    Write(sb, item);
                }
                sb.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(sb, value.GetString()!);
                break;
            case JsonValueKind.Number:
                WriteNumberText(sb, value.GetRawText());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            default:
                throw new ArgumentException("An undefined JsonElement has no JSON text.", nameof(value));
        }
    }

    /// <summary>Appends a JSON string literal the way Python's encoder writes it with <c>ensure_ascii=False</c>.</summary>
    public static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (char c in value)
        {
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
                    if (c < ' ') sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Python's <c>repr(float)</c> (equal to what <c>json.dumps</c> writes for a float).</summary>
    public static string FormatFloat(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";

        // .NET's "R" is the shortest round-trip text, as is Python's repr; only the layout differs.
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = r[0] == '-';
        if (negative) r = r[1..];
        int exponent = 0;
        int e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        int dot = r.IndexOf('.');
        string intPart = dot < 0 ? r : r[..dot];
        string digits = dot < 0 ? r : intPart + r[(dot + 1)..];
        int decimalPoint = intPart.Length + exponent;     // value = 0.DIGITS × 10^decimalPoint
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..];
        decimalPoint -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
            decimalPoint = 1;
        }

        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (decimalPoint <= -4 || decimalPoint > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            int exp = decimalPoint - 1;
            sb.Append('e').Append(exp < 0 ? '-' : '+').Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decimalPoint <= 0)
        {
            sb.Append("0.").Append('0', -decimalPoint).Append(digits);
        }
        else if (decimalPoint >= digits.Length)
        {
            sb.Append(digits).Append('0', decimalPoint - digits.Length).Append(".0");
        }
        else
        {
            sb.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint);
        }
        return sb.ToString();
    }

    static void WriteValue(StringBuilder sb, JsonValue v)
    {
        if (v.TryGetValue(out JsonElement element)) { Write(sb, element); return; }
        if (v.TryGetValue(out string? s)) { WriteString(sb, s); return; }
        if (v.TryGetValue(out bool b)) { sb.Append(b ? "true" : "false"); return; }
        if (v.TryGetValue(out double d)) { sb.Append(FormatFloat(d)); return; }
        if (v.TryGetValue(out float f)) { sb.Append(FormatFloat(double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))); return; }
        if (v.TryGetValue(out Half h)) { sb.Append(FormatFloat(double.Parse(h.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))); return; }
        if (v.TryGetValue(out decimal m))
        {
            sb.Append(m.Scale == 0 ? m.ToString(CultureInfo.InvariantCulture) : FormatFloat((double)m));
            return;
        }
        if (v.TryGetValue(out char c)) { WriteString(sb, c.ToString()); return; }

        // Integers and anything else System.Text.Json can write (Guid, DateTime, enums, ...): go through its text.
        string text = v.ToJsonString();
        using var doc = JsonDocument.Parse(text);
        Write(sb, doc.RootElement);
    }

    static void WriteNumberText(StringBuilder sb, string raw)
    {
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
            sb.Append(BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        else
            sb.Append(FormatFloat(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture)));
    }
}
