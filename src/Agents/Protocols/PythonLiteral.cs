using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Glm4vSK.Agents.Protocols;

/// <summary>
/// A small parser for Python literals as <c>ast.literal_eval</c> reads them (and JSON, which is nearly a subset):
/// dicts, lists, tuples (read as lists), single/double/triple-quoted strings with Python escapes and adjacent-string
/// concatenation, ints, floats, <c>True</c>/<c>False</c>/<c>None</c> and, when asked, the bare JSON names
/// <c>true</c>/<c>false</c>/<c>null</c>.
/// </summary>
/// <remarks>
/// Values come back as <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see langword="null"/>, <see cref="List{T}"/> of <see cref="object"/> and <see cref="Dictionary{TKey,TValue}"/>
/// with string keys (insertion order kept). Lenient on purpose for model output: raw newlines inside quoted strings
/// and leading zeros in integers are accepted. Dict keys must be strings.
/// </remarks>
public static class PythonLiteral
{
    /// <summary>Parses the whole of <paramref name="text"/> (surrounding whitespace allowed) as one literal.</summary>
    public static bool TryParse(string text, out object? value, out string? error, bool allowJsonNames = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new Reader(text, allowJsonNames);
        try
        {
            reader.SkipWhitespace();
            value = reader.ReadValue();
            reader.SkipWhitespace();
            if (!reader.AtEnd) throw reader.Fail("unexpected text after the literal");
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            value = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Parses one literal; throws <see cref="FormatException"/> when the text is not a literal.</summary>
    public static object? Parse(string text, bool allowJsonNames = false) =>
        TryParse(text, out object? value, out string? error, allowJsonNames) ? value : throw new FormatException(error);

    /// <summary>
    /// Reads one literal starting at <paramref name="position"/> and advances it past the literal (not past trailing
    /// whitespace). Used by the call-expression parsers.
    /// </summary>
    internal static bool TryReadPrefix(string text, ref int position, out object? value, out string? error, bool allowJsonNames = false)
    {
        var reader = new Reader(text, allowJsonNames) { Pos = position };
        try
        {
            reader.SkipWhitespace();
            value = reader.ReadValue();
            position = reader.Pos;
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            value = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>Converts a parsed literal (or any value of the same shapes) to a JSON node.</summary>
    public static JsonNode? ToJsonNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        IReadOnlyDictionary<string, object?> dict => new JsonObject(dict.Select(kv => KeyValuePair.Create(kv.Key, ToJsonNode(kv.Value)))),
        IEnumerable<object?> list => new JsonArray(list.Select(ToJsonNode).ToArray()),
        _ => throw new ArgumentException($"Unsupported literal value of type {value.GetType()}.", nameof(value)),
    };

    private sealed class Reader(string text, bool allowJsonNames)
    {
        public int Pos;
        private int _depth;

        public bool AtEnd => Pos >= text.Length;

        public FormatException Fail(string message) => new($"{message} at offset {Pos}");

        /// <summary>Reads a container one level deeper: past <see cref="NestingLimit.MaxDepth"/> the text is not a literal
        /// (each level recurses; unbounded, a few kilobytes of brackets would overflow the stack).</summary>
        private T Nested<T>(Func<T> read)
        {
            if (_depth == NestingLimit.MaxDepth) throw Fail($"literal nested deeper than {NestingLimit.MaxDepth} levels");
            _depth++;
            T value = read();
            _depth--;
            return value;
        }

        public void SkipWhitespace()
        {
            while (Pos < text.Length && char.IsWhiteSpace(text[Pos])) Pos++;
        }

        public object? ReadValue()
        {
            if (AtEnd) throw Fail("expected a literal");
            char c = text[Pos];
            switch (c)
            {
                case '{': return Nested(ReadDict);
                case '[': return Nested(() => ReadSequence(']'));
                case '(': return Nested(() => ReadSequence(')'));
                case '"' or '\'': return ReadStrings();
            }
            if (c is '-' or '+' or '.' || char.IsAsciiDigit(c)) return ReadNumber();
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = Pos;
                while (Pos < text.Length && (char.IsAsciiLetterOrDigit(text[Pos]) || text[Pos] == '_')) Pos++;
                string word = text[start..Pos];
                // String prefixes (r'', u'', R"", ...).
                if (Pos < text.Length && text[Pos] is '"' or '\'' && word is "r" or "R" or "u" or "U")
                    return ReadStrings(raw: word is "r" or "R");
                switch (word)
                {
                    case "True": return true;
                    case "False": return false;
                    case "None": return null;
                    case "true" when allowJsonNames: return true;
                    case "false" when allowJsonNames: return false;
                    case "null" when allowJsonNames: return null;
                }
                Pos = start;
                throw Fail($"'{word}' is not a literal");
            }
            throw Fail($"unexpected character '{c}'");
        }

        private Dictionary<string, object?> ReadDict()
        {
            Pos++; // {
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            SkipWhitespace();
            while (true)
            {
                if (AtEnd) throw Fail("unterminated dict");
                if (text[Pos] == '}') { Pos++; return dict; }
                object? key = ReadValue();
                if (key is not string k) throw Fail("dict keys must be strings");
                SkipWhitespace();
                if (AtEnd || text[Pos] != ':') throw Fail("expected ':'");
                Pos++;
                SkipWhitespace();
                dict[k] = ReadValue(); // like Python: the last repeated key wins
                SkipWhitespace();
                if (AtEnd) throw Fail("unterminated dict");
                if (text[Pos] == ',') { Pos++; SkipWhitespace(); continue; }
                if (text[Pos] != '}') throw Fail("expected ',' or '}'");
            }
        }

        private List<object?> ReadSequence(char close)
        {
            Pos++; // [ or (
            var list = new List<object?>();
            SkipWhitespace();
            bool sawComma = false;
            while (true)
            {
                if (AtEnd) throw Fail("unterminated sequence");
                if (text[Pos] == close)
                {
                    Pos++;
                    // (x) is a parenthesised value, not a tuple.
                    if (close == ')' && list.Count == 1 && !sawComma) throw Fail("a parenthesised value is not a literal tuple");
                    return list;
                }
                list.Add(ReadValue());
                SkipWhitespace();
                if (AtEnd) throw Fail("unterminated sequence");
                if (text[Pos] == ',') { Pos++; sawComma = true; SkipWhitespace(); continue; }
                if (text[Pos] != close) throw Fail($"expected ',' or '{close}'");
            }
        }

        private string ReadStrings(bool raw = false)
        {
            var sb = new StringBuilder();
            ReadString(sb, raw);
            // Adjacent literals concatenate: 'a' "b" == 'ab'.
            while (true)
            {
                int save = Pos;
                SkipWhitespace();
                if (AtEnd) { Pos = save; break; }
                bool nextRaw = false;
                if (text[Pos] is 'r' or 'R' or 'u' or 'U' && Pos + 1 < text.Length && text[Pos + 1] is '"' or '\'')
                {
                    nextRaw = text[Pos] is 'r' or 'R';
                    Pos++;
                }
                if (AtEnd || text[Pos] is not ('"' or '\'')) { Pos = save; break; }
                ReadString(sb, nextRaw);
            }
            return sb.ToString();
        }

        private void ReadString(StringBuilder sb, bool raw)
        {
            char quote = text[Pos];
            bool triple = Pos + 2 < text.Length && text[Pos + 1] == quote && text[Pos + 2] == quote;
            Pos += triple ? 3 : 1;
            while (true)
            {
                if (AtEnd) throw Fail("unterminated string");
                char c = text[Pos];
                if (c == quote)
                {
                    if (!triple) { Pos++; return; }
                    if (Pos + 2 < text.Length && text[Pos + 1] == quote && text[Pos + 2] == quote) { Pos += 3; return; }
                }
                if (c == '\\' && Pos + 1 < text.Length)
                {
                    if (raw)
                    {
                        sb.Append(c).Append(text[Pos + 1]);
                        Pos += 2;
                        continue;
                    }
                    ReadEscape(sb);
                    continue;
                }
                sb.Append(c);
                Pos++;
            }
        }

        private void ReadEscape(StringBuilder sb)
        {
            char e = text[Pos + 1];
            Pos += 2;
            switch (e)
            {
                case '\n': return; // line continuation
                case '\\': sb.Append('\\'); return;
                case '\'': sb.Append('\''); return;
                case '"': sb.Append('"'); return;
                case 'n': sb.Append('\n'); return;
                case 't': sb.Append('\t'); return;
                case 'r': sb.Append('\r'); return;
                case 'a': sb.Append('\a'); return;
                case 'b': sb.Append('\b'); return;
                case 'f': sb.Append('\f'); return;
                case 'v': sb.Append('\v'); return;
                case '/': sb.Append("\\/"); return; // Python keeps unknown escapes as written
                case 'x': sb.Append(ReadHex(2)); return;
                case 'u': sb.Append(ReadHex(4)); return;
                case 'U': sb.Append(ReadHex(8)); return;
            }
            if (e is >= '0' and <= '7')
            {
                int value = e - '0';
                for (int i = 0; i < 2 && Pos < text.Length && text[Pos] is >= '0' and <= '7'; i++) value = value * 8 + (text[Pos++] - '0');
                sb.Append((char)value);
                return;
            }
            sb.Append('\\').Append(e);
        }

        private string ReadHex(int digits)
        {
            if (Pos + digits > text.Length ||
                !int.TryParse(text.AsSpan(Pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int cp) ||
                cp > 0x10FFFF || cp is >= 0xD800 and <= 0xDFFF && digits == 8)
                throw Fail("bad escape sequence");
            Pos += digits;
            return digits == 8 ? char.ConvertFromUtf32(cp) : ((char)cp).ToString();
        }

        private object ReadNumber()
        {
            int start = Pos;
            bool negative = false;
            while (Pos < text.Length && text[Pos] is '-' or '+')
            {
                if (text[Pos] == '-') negative = !negative;
                Pos++;
                SkipWhitespace();
            }
            int numStart = Pos;
            bool isFloat = false;
            while (Pos < text.Length && (char.IsAsciiDigit(text[Pos]) || text[Pos] == '_')) Pos++;
            if (Pos < text.Length && text[Pos] == '.') { isFloat = true; Pos++; while (Pos < text.Length && char.IsAsciiDigit(text[Pos])) Pos++; }
            if (Pos < text.Length && text[Pos] is 'e' or 'E')
            {
                int save = Pos;
                Pos++;
                if (Pos < text.Length && text[Pos] is '-' or '+') Pos++;
                if (Pos < text.Length && char.IsAsciiDigit(text[Pos])) { isFloat = true; while (Pos < text.Length && char.IsAsciiDigit(text[Pos])) Pos++; }
                else Pos = save;
            }
            string digits = text[numStart..Pos].Replace("_", "", StringComparison.Ordinal);
            if (digits.Length == 0 || digits == ".") { Pos = start; throw Fail("expected a number"); }
            if (Pos < text.Length && (char.IsAsciiLetterOrDigit(text[Pos]) || text[Pos] == '_')) { Pos = start; throw Fail("malformed number"); }
            if (!isFloat && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long l)) return negative ? -l : l;
            if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double d))
            {
                Pos = start;
                throw Fail("malformed number");
            }
            return negative ? -d : d;
        }
    }
}
