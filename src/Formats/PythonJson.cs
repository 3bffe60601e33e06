using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glm4vSK.Formats;

/// <summary>
/// Python's <c>json.dumps(x, ensure_ascii=False)</c>: what the chat templates' <c>tojson</c> filter writes (transformers'
/// Jinja environment) and how vLLM serialises tool-call arguments. Separators <c>", "</c> and <c>": "</c>, keys in
/// insertion order, no indentation. Values: <see cref="JsonNode"/>, <see cref="JsonElement"/> and plain CLR values
/// (<c>null</c>, <see cref="bool"/>, <see cref="string"/>, <see cref="char"/>, integer and floating-point types,
/// <see cref="BigInteger"/>, string-keyed dictionaries as objects, other enumerables as arrays).
/// </summary>
/// <remarks>
/// <para>Strings: <c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\b</c>, <c>\f</c>; every other character
/// below U+0020 as <c>\u00xx</c> (lower-case hex); everything else, non-ASCII and U+007F included, written raw. A lone
/// surrogate is written as is, as Python does (its <c>str</c> can hold one); where the text must become UTF-8 (JSON
/// handed to System.Text.Json), <c>replaceLoneSurrogates</c> writes U+FFFD instead, which is what encoding it would give.</para>
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
    /// <summary><c>json.dumps(value, ensure_ascii=False)</c>.</summary>
    public static string Serialize(object? value, bool replaceLoneSurrogates = false)
    {
        var sb = new StringBuilder();
        Write(sb, value, replaceLoneSurrogates);
        return sb.ToString();
    }

    /// <summary>Appends <c>json.dumps(value, ensure_ascii=False)</c>.</summary>
    public static void Write(StringBuilder sb, object? value, bool replaceLoneSurrogates = false) =>
        new Writer(sb, replaceLoneSurrogates).Value(value);

    /// <summary>Appends a JSON string literal the way Python's encoder writes it with <c>ensure_ascii=False</c>.</summary>
    public static void WriteString(StringBuilder sb, ReadOnlySpan<char> value, bool replaceLoneSurrogates = false)
    {
        sb.Append('"');
        AppendEscaped(sb, value, replaceLoneSurrogates);
        sb.Append('"');
    }

    /// <summary>The characters that go between the quotes of a JSON string, escaped as <c>json.dumps(ensure_ascii=False)</c> does.</summary>
    public static void AppendEscaped(StringBuilder sb, ReadOnlySpan<char> value, bool replaceLoneSurrogates = false)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (replaceLoneSurrogates && char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) sb.Append(c).Append(value[++i]);
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
                    if (c < ' ') sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
    }

    /// <summary>
    /// A JSON string's value as <c>json.loads</c> reads it. System.Text.Json refuses an escaped lone surrogate
    /// (<c>"\ud800"</c>), which Python keeps; the JSON text of a string is also a Python string literal of the same value.
    /// </summary>
    public static string ReadString(JsonElement element)
    {
        try
        {
            return element.GetString() ?? throw new ArgumentException("A JSON string is expected.", nameof(element));
        }
        catch (InvalidOperationException) when (element.ValueKind == JsonValueKind.String)
        {
            return (string)PythonLiteral.Parse(element.GetRawText())!;
        }
    }

    /// <summary>
    /// A JSON number as Python's <c>json.loads</c> types it: an int (here <see cref="long"/>, or <see cref="double"/>
    /// beyond its range) when written without <c>.</c>/<c>e</c>/<c>E</c>, otherwise a float.
    /// </summary>
    public static object ParseNumber(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            return l;
        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
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

    sealed class Writer(StringBuilder sb, bool replaceLoneSurrogates)
    {
        public void Value(object? value)
        {
            switch (value)
            {
                case null: sb.Append("null"); break;
                case JsonNode node: Node(node); break;
                case JsonElement element: Element(element); break;
                case bool b: sb.Append(b ? "true" : "false"); break;
                case string s: Text(s); break;
                case char c: Text(c.ToString()); break;
                case long or int or short or sbyte or byte or ushort or uint or ulong or BigInteger or Int128 or UInt128:
                    sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
                case double d: sb.Append(FormatFloat(d)); break;
                case float f: sb.Append(FormatFloat(Widen(f.ToString("R", CultureInfo.InvariantCulture)))); break;
                case Half h: sb.Append(FormatFloat(Widen(h.ToString("R", CultureInfo.InvariantCulture)))); break;
                case decimal m: sb.Append(m.Scale == 0 ? m.ToString(CultureInfo.InvariantCulture) : FormatFloat((double)m)); break;
                case var other when PythonContainers.TryWrite(sb, other, Text, Value):
                    break;
                default:
                    throw new NotSupportedException($"Cannot write a value of type {value.GetType()} as JSON; convert it to a JsonNode first.");
            }
        }

        void Node(JsonNode node)
        {
            switch (node)
            {
                case JsonObject o:
                    sb.Append('{');
                    bool first = true;
                    foreach (var (key, item) in o)
                    {
                        if (!first) sb.Append(", ");
                        first = false;
                        Text(key);
                        sb.Append(": ");
                        Value(item);
                    }
                    sb.Append('}');
                    break;
                case JsonArray a:
                    sb.Append('[');
                    for (int i = 0; i < a.Count; i++)
                    {
                        if (i > 0) sb.Append(", ");
                        Value(a[i]);
                    }
                    sb.Append(']');
                    break;
                case JsonValue v:
                    NodeValue(v);
                    break;
                default:
                    throw new NotSupportedException($"Unknown JSON node type {node.GetType().Name}.");
            }
        }

        void NodeValue(JsonValue v)
        {
            if (v.TryGetValue(out JsonElement element)) { Element(element); return; }
            if (v.TryGetValue(out string? s)) { Text(s); return; }
            if (v.TryGetValue(out bool b)) { Value(b); return; }
            if (v.TryGetValue(out double d)) { Value(d); return; }
            if (v.TryGetValue(out float f)) { Value(f); return; }
            if (v.TryGetValue(out Half h)) { Value(h); return; }
            if (v.TryGetValue(out decimal m)) { Value(m); return; }
            if (v.TryGetValue(out char c)) { Value(c); return; }

            // Integers and anything else System.Text.Json can write (Guid, DateTime, enums, ...): go through its text.
            using var doc = JsonDocument.Parse(v.ToJsonString());
            Element(doc.RootElement);
        }

        void Element(JsonElement value)
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
                        Text(p.Name);
                        sb.Append(": ");
                        Element(p.Value);
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
                        Element(item);
                    }
                    sb.Append(']');
                    break;
                case JsonValueKind.String: Text(ReadString(value)); break;
                case JsonValueKind.Number: NumberText(value.GetRawText()); break;
                case JsonValueKind.True: sb.Append("true"); break;
                case JsonValueKind.False: sb.Append("false"); break;
                case JsonValueKind.Null: sb.Append("null"); break;
                default: throw new ArgumentException("An undefined JsonElement has no JSON text.", nameof(value));
            }
        }

        void Text(string s) => WriteString(sb, s, replaceLoneSurrogates);

        /// <summary>A number parsed from JSON text: an int as written (any size, <c>-0</c> → <c>0</c>), else a float.</summary>
        void NumberText(string raw)
        {
            if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
                sb.Append(BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
            else
                sb.Append(FormatFloat(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }

        /// <summary>A float or half widened through its own shortest text (<c>0.1f</c> → <c>0.1</c>, as Python would hold it).</summary>
        static double Widen(string shortest) => double.Parse(shortest, CultureInfo.InvariantCulture);
    }
}
