using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;

namespace Glm4vSK.Formats;

/// <summary>
/// Python's <c>ast.literal_eval</c> for the values model text holds, producing JSON-shaped values: <c>null</c>
/// (<c>None</c>), <see cref="bool"/>, <see cref="long"/> (or <see cref="double"/> beyond its range), <see cref="double"/>,
/// <see cref="string"/>, <see cref="List{T}"/> of values (lists and tuples) and <see cref="OrderedDictionary{TKey,TValue}"/>
/// with string keys (dicts; <c>None</c>/bool/number keys become the strings <c>json.dumps</c> would write; the last
/// repeated key wins, in the first one's place, as in Python).
/// </summary>
/// <remarks>
/// <para>Accepted: ints (decimal, <c>0x</c>/<c>0o</c>/<c>0b</c>, underscores), floats (<c>.5</c>, <c>5.</c>, <c>1e3</c>), one
/// leading sign, single/double/triple-quoted strings with <c>r</c>/<c>u</c> prefixes, every escape form and implicit
/// concatenation, <c>True</c>/<c>False</c>/<c>None</c>, lists, tuples (also bare <c>1, 2</c> at the top level), dicts,
/// <c>(x)</c> as <c>x</c>. Rejected (what <c>literal_eval</c> rejects or what JSON cannot hold): names, operators, calls,
/// sets, bytes, complex numbers, comments.</para>
/// <para>Two opt-ins: <c>allowJsonNames</c> accepts the bare names <c>true</c>, <c>false</c>, <c>null</c>;
/// <c>lenient</c> (for GUI actions a model wrote) accepts leading zeros in decimal ints (<c>007</c>), line breaks inside
/// single-quoted strings and any Unicode whitespace between tokens.</para>
/// <para>Lists, tuples, dicts and parentheses nested deeper than <see cref="NestingLimit.MaxDepth"/> are rejected
/// (<c>tooDeep</c>): each level recurses, and model text must not be able to overflow the stack.</para>
/// </remarks>
public sealed class PythonLiteral
{
    readonly string _s;
    readonly bool _allowJsonNames;
    readonly bool _lenient;
    int _p;
    int _depth;
    bool _tooDeep;

    PythonLiteral(string s, bool allowJsonNames, bool lenient)
    {
        _s = s;
        _allowJsonNames = allowJsonNames;
        _lenient = lenient;
    }

    /// <summary>Parses the whole of <paramref name="text"/> (surrounding whitespace allowed) as one literal.</summary>
    public static bool TryParse(string text, out object? value, bool allowJsonNames = false, bool lenient = false) =>
        TryParse(text, out value, out string? _, allowJsonNames, lenient);

    /// <summary><see cref="TryParse(string, out object?, bool, bool)"/>, saying whether a failure was nesting past <see cref="NestingLimit.MaxDepth"/>.</summary>
    public static bool TryParse(string text, out object? value, out bool tooDeep, bool allowJsonNames = false, bool lenient = false) =>
        TryParse(text, out value, out _, out tooDeep, allowJsonNames, lenient);

    /// <summary><see cref="TryParse(string, out object?, bool, bool)"/> with the reason of a failure.</summary>
    public static bool TryParse(string text, out object? value, out string? error, bool allowJsonNames = false, bool lenient = false) =>
        TryParse(text, out value, out error, out _, allowJsonNames, lenient);

    static bool TryParse(string text, out object? value, out string? error, out bool tooDeep, bool allowJsonNames, bool lenient)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new PythonLiteral(text, allowJsonNames, lenient);
        try
        {
            value = parser.ParseTop();
            error = null;
            tooDeep = false;
            return true;
        }
        catch (FormatException e)
        {
            value = null;
            error = e.Message;
            tooDeep = parser._tooDeep;
            return false;
        }
    }

    /// <summary>Parses one literal; throws <see cref="FormatException"/> when the text is not a literal.</summary>
    public static object? Parse(string text, bool allowJsonNames = false, bool lenient = false) =>
        TryParse(text, out object? value, out string? error, allowJsonNames, lenient) ? value : throw new FormatException(error);

    /// <summary>
    /// Reads one literal (no bare top-level tuple) starting at <paramref name="position"/> and advances it past the
    /// literal, not past trailing whitespace: for call expressions such as <c>do(action='Tap', element=[1, 2])</c>.
    /// </summary>
    public static bool TryReadPrefix(string text, ref int position, out object? value, out string? error, bool allowJsonNames = false, bool lenient = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new PythonLiteral(text, allowJsonNames, lenient) { _p = position };
        try
        {
            value = parser.ParseValue();
            position = parser._p;
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

    object? ParseTop()
    {
        SkipWs();
        if (_p >= _s.Length) throw Error("empty");
        object? first = ParseValue();
        SkipWs();
        if (_p < _s.Length && _s[_p] == ',')
        {
            var items = new List<object?> { first };
            while (_p < _s.Length && _s[_p] == ',')
            {
                _p++;
                SkipWs();
                if (_p >= _s.Length) break;
                items.Add(ParseValue());
                SkipWs();
            }
            first = items;
        }
        if (_p != _s.Length) throw Error("trailing text");
        return first;
    }

    object? ParseValue()
    {
        SkipWs();
        if (_p >= _s.Length) throw Error("value expected");
        char c = _s[_p];
        switch (c)
        {
            case '[':
                Enter();
                return Leave(ParseSequence(']', out _));
            case '(':
            {
                Enter();
                var items = Leave(ParseSequence(')', out bool sawComma));
                if (items.Count == 1 && !sawComma) return items[0];
                return items;
            }
            case '{':
                Enter();
                return Leave(ParseDict());
            case '-':
            case '+':
            {
                _p++;
                SkipWs();
                object number = ParseNumber();
                if (c == '+') return number;
                return number switch
                {
                    long l when l != long.MinValue => (object)(-l),
                    long l => -(double)l,
                    double d => -d,
                    _ => throw Error("number expected"),
                };
            }
        }
        if (char.IsAsciiDigit(c) || (c == '.' && _p + 1 < _s.Length && char.IsAsciiDigit(_s[_p + 1]))) return ParseNumber();
        if (c is '\'' or '"') return ParseStrings();
        if (char.IsLetter(c) || c == '_')
        {
            int start = _p;
            while (_p < _s.Length && (char.IsLetterOrDigit(_s[_p]) || _s[_p] == '_')) _p++;
            string name = _s[start.._p];
            if (_p < _s.Length && _s[_p] is '\'' or '"')
            {
                string prefix = name.ToLowerInvariant();
                if (prefix is "r" or "u") { _p = start; return ParseStrings(); }
                throw Error("bytes and f-strings are not literals");
            }
            return name switch
            {
                "True" => true,
                "False" => false,
                "None" => null,
                "true" when _allowJsonNames => true,
                "false" when _allowJsonNames => false,
                "null" when _allowJsonNames => null,
                _ => throw Error($"name '{name}' is not a literal"),
            };
        }
        throw Error($"unexpected '{c}'");
    }

    /// <summary>Steps over an opening bracket, one level deeper.</summary>
    void Enter()
    {
        if (_depth == NestingLimit.MaxDepth)
        {
            _tooDeep = true;
            throw Error($"nested deeper than {NestingLimit.MaxDepth} levels");
        }
        _depth++;
        _p++;
    }

    T Leave<T>(T value)
    {
        _depth--;
        return value;
    }

    List<object?> ParseSequence(char close, out bool sawComma)
    {
        var items = new List<object?>();
        sawComma = false;
        SkipWs();
        if (_p < _s.Length && _s[_p] == close) { _p++; return items; }
        while (true)
        {
            items.Add(ParseValue());
            SkipWs();
            if (_p >= _s.Length) throw Error("unterminated sequence");
            if (_s[_p] == close) { _p++; return items; }
            if (_s[_p] != ',') throw Error("',' expected");
            sawComma = true;
            _p++;
            SkipWs();
            if (_p < _s.Length && _s[_p] == close) { _p++; return items; }
        }
    }

    OrderedDictionary<string, object?> ParseDict()
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        SkipWs();
        if (_p < _s.Length && _s[_p] == '}') { _p++; return dict; }
        while (true)
        {
            object? key = ParseValue();
            SkipWs();
            if (_p >= _s.Length || _s[_p] != ':') throw Error("':' expected (sets are not supported)");
            _p++;
            object? value = ParseValue();
            dict[KeyText(key)] = value;
            SkipWs();
            if (_p >= _s.Length) throw Error("unterminated dict");
            if (_s[_p] == '}') { _p++; return dict; }
            if (_s[_p] != ',') throw Error("',' expected");
            _p++;
            SkipWs();
            if (_p < _s.Length && _s[_p] == '}') { _p++; return dict; }
        }
    }

    string KeyText(object? key) => key switch
    {
        string s => s,
        null => "null",
        bool b => b ? "true" : "false",
        long or double => PythonJson.Serialize(key),
        _ => throw Error("unhashable dict key"),
    };

    object ParseNumber()
    {
        int start = _p;
        if (_s[_p] == '0' && _p + 1 < _s.Length && char.ToLowerInvariant(_s[_p + 1]) is 'x' or 'o' or 'b')
        {
            char kind = char.ToLowerInvariant(_s[_p + 1]);
            _p += 2;
            int digitsStart = _p;
            while (_p < _s.Length && (char.IsAsciiHexDigit(_s[_p]) || _s[_p] == '_')) _p++;
            string digits = _s[digitsStart.._p].Replace("_", "", StringComparison.Ordinal);
            if (digits.Length == 0) throw Error("digits expected");
            int radix = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
            BigInteger value = BigInteger.Zero;
            foreach (char d in digits)
            {
                int v = char.IsAsciiDigit(d) ? d - '0' : char.ToLowerInvariant(d) - 'a' + 10;
                if (v >= radix) throw Error("bad digit");
                value = value * radix + v;
            }
            CheckNumberEnd();
            return value <= long.MaxValue ? (object)(long)value : (double)value;
        }
        bool isFloat = false;
        ScanDigits();
        if (_p < _s.Length && _s[_p] == '.')
        {
            isFloat = true;
            _p++;
            ScanDigits();
        }
        if (_p < _s.Length && _s[_p] is 'e' or 'E')
        {
            isFloat = true;
            _p++;
            if (_p < _s.Length && _s[_p] is '+' or '-') _p++;
            int expStart = _p;
            ScanDigits();
            if (_p == expStart) throw Error("exponent expected");
        }
        if (_p < _s.Length && _s[_p] is 'j' or 'J') throw Error("complex numbers are not JSON");
        CheckNumberEnd();
        string text = _s[start.._p].Replace("_", "", StringComparison.Ordinal);
        if (isFloat)
        {
            double d = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!double.IsFinite(d)) throw Error("float out of range");
            return d;
        }
        if (!_lenient && text.Length > 1 && text[0] == '0' && text.Any(ch => ch != '0')) throw Error("leading zeros in a decimal integer");
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long l)
            ? (object)l
            : (double)BigInteger.Parse(text, CultureInfo.InvariantCulture);
    }

    void ScanDigits()
    {
        while (_p < _s.Length && (char.IsAsciiDigit(_s[_p]) || (_s[_p] == '_' && _p + 1 < _s.Length && char.IsAsciiDigit(_s[_p + 1])))) _p++;
    }

    void CheckNumberEnd()
    {
        if (_p < _s.Length && (char.IsLetterOrDigit(_s[_p]) || _s[_p] == '_' || _s[_p] == '.')) throw Error("malformed number");
    }

    string ParseStrings()
    {
        var sb = new StringBuilder();
        ParseString(sb);
        while (true)
        {
            int save = _p;
            SkipWs();
            if (_p < _s.Length && (_s[_p] is '\'' or '"' || (_p + 1 < _s.Length && char.ToLowerInvariant(_s[_p]) is 'r' or 'u' && _s[_p + 1] is '\'' or '"')))
            {
                ParseString(sb);
                continue;
            }
            _p = save;
            return sb.ToString();
        }
    }

    void ParseString(StringBuilder sb)
    {
        bool raw = false;
        if (char.ToLowerInvariant(_s[_p]) is 'r' or 'u')
        {
            raw = char.ToLowerInvariant(_s[_p]) == 'r';
            _p++;
        }
        char q = _s[_p];
        bool triple = _p + 2 < _s.Length && _s[_p + 1] == q && _s[_p + 2] == q;
        _p += triple ? 3 : 1;
        while (true)
        {
            if (_p >= _s.Length) throw Error("unterminated string");
            char c = _s[_p];
            if (c == q)
            {
                if (!triple) { _p++; return; }
                if (_p + 2 < _s.Length && _s[_p + 1] == q && _s[_p + 2] == q) { _p += 3; return; }
            }
            if (!triple && !_lenient && c == '\n') throw Error("newline in a single-quoted string");
            if (c == '\\' && _p + 1 < _s.Length)
            {
                if (raw)
                {
                    sb.Append(c).Append(_s[_p + 1]);
                    _p += 2;
                    continue;
                }
                _p++;
                AppendEscape(sb);
                continue;
            }
            sb.Append(c);
            _p++;
        }
    }

    void AppendEscape(StringBuilder sb)
    {
        char e = _s[_p++];
        switch (e)
        {
            case '\n': return;
            case '\\': sb.Append('\\'); return;
            case '\'': sb.Append('\''); return;
            case '"': sb.Append('"'); return;
            case 'a': sb.Append('\a'); return;
            case 'b': sb.Append('\b'); return;
            case 'f': sb.Append('\f'); return;
            case 'n': sb.Append('\n'); return;
            case 'r': sb.Append('\r'); return;
            case 't': sb.Append('\t'); return;
            case 'v': sb.Append('\v'); return;
            case 'x': AppendCodePoint(sb, ReadHex(2)); return;
            case 'u': AppendCodePoint(sb, ReadHex(4)); return;
            case 'U': AppendCodePoint(sb, ReadHex(8)); return;
            case 'N': throw Error("\\N{...} escapes are not supported");
        }
        if (e is >= '0' and <= '7')
        {
            int v = e - '0';
            for (int i = 0; i < 2 && _p < _s.Length && _s[_p] is >= '0' and <= '7'; i++) v = v * 8 + (_s[_p++] - '0');
            AppendCodePoint(sb, v);
            return;
        }
        sb.Append('\\').Append(e);
    }

    int ReadHex(int n)
    {
        if (_p + n > _s.Length) throw Error("truncated escape");
        if (!int.TryParse(_s.AsSpan(_p, n), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v)) throw Error("bad escape");
        _p += n;
        return v;
    }

    void AppendCodePoint(StringBuilder sb, int cp)
    {
        if (cp > 0x10FFFF) throw Error("code point out of range");
        if (cp is >= 0xD800 and <= 0xDFFF) sb.Append((char)cp);
        else sb.Append(char.ConvertFromUtf32(cp));
    }

    void SkipWs()
    {
        while (_p < _s.Length && (_s[_p] is ' ' or '\t' or '\n' or '\r' or '\f' or '\v' || (_lenient && char.IsWhiteSpace(_s[_p])))) _p++;
    }

    FormatException Error(string what) => new($"Not a Python literal at {_p}: {what}.");
}
