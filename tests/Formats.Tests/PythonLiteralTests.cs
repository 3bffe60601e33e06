using System.Text.Encodings.Web;
using System.Text.Json;

namespace Glm4vSK.Formats.Tests;

/// <summary>
/// <see cref="PythonLiteral"/>: <c>ast.literal_eval</c> as the connector reads tool arguments and grounding boxes
/// (strict), and as the GUI-action parsers read model-written actions (<c>lenient</c>).
/// </summary>
public sealed class PythonLiteralTests
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The GUI-action parsers' mode (lenient), as JSON for readable expectations.
    private static string Json(string text, bool allowJsonNames = false) =>
        PythonLiteral.ToJsonNode(PythonLiteral.Parse(text, allowJsonNames, lenient: true))?.ToJsonString(Compact) ?? "null";

    [Theory]
    [InlineData("{'a': 1, \"b\": [1, 2.5, -3]}", "{\"a\":1,\"b\":[1,2.5,-3]}")]
    [InlineData("{'t': True, 'f': False, 'n': None}", "{\"t\":true,\"f\":false,\"n\":null}")]
    [InlineData("(1, 2)", "[1,2]")]
    [InlineData("(1,)", "[1]")]
    [InlineData("()", "[]")]
    [InlineData("[1, 2,]", "[1,2]")]
    [InlineData("'it\\'s'", "\"it's\"")]
    [InlineData("\"tab\\there\"", "\"tab\\there\"")]
    [InlineData("'a' \"b\"", "\"ab\"")]
    [InlineData("'''x'y'''", "\"x'y\"")]
    [InlineData("r'\\d+'", "\"\\\\d+\"")]
    [InlineData("'\\u5fae\\x41'", "\"微A\"")]
    [InlineData("'\\q'", "\"\\\\q\"")]
    [InlineData(".5", "0.5")]
    [InlineData("1e3", "1000")]
    [InlineData("-0.25", "-0.25")]
    [InlineData("007", "7")]
    [InlineData("  [[503, 580, 718, 702]]  ", "[[503,580,718,702]]")]
    [InlineData("'微信'", "\"微信\"")]
    // As literal_eval reads them (the agents' former parser rejected both): a parenthesised value, a non-string key.
    [InlineData("(1)", "1")]
    [InlineData("{1: 'a'}", "{\"1\":\"a\"}")]
    // Lenient only: a line break inside a single-quoted string, Unicode whitespace between tokens.
    [InlineData("{'text': 'two\nlines'}", "{\"text\":\"two\\nlines\"}")]
    [InlineData("[1,\u30002]", "[1,2]")]
    public void Parses_python_literals(string text, string json) => Assert.Equal(json, Json(text));

    [Fact]
    public void Integers_stay_integers_and_floats_stay_floats()
    {
        Assert.IsType<long>(PythonLiteral.Parse("42"));
        Assert.IsType<double>(PythonLiteral.Parse("42.0"));
        Assert.IsType<double>(PythonLiteral.Parse("99999999999999999999"));
    }

    [Fact]
    public void Json_names_only_when_allowed()
    {
        Assert.Equal("{\"o\":true,\"p\":false,\"q\":null}", Json("{\"o\": true, \"p\": false, \"q\": null}", allowJsonNames: true));
        Assert.False(PythonLiteral.TryParse("{'o': true}", out _, out string? error));
        Assert.Contains("true", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{'a': 1")]
    [InlineData("{'a' 1}")]
    [InlineData("[1, 2")]
    [InlineData("'abc")]
    [InlineData("1 2")]
    [InlineData("{{'a': 1}}")]
    [InlineData("foo")]
    [InlineData("1+x")]
    [InlineData("12abc")]
    [InlineData("'\\xZZ'")]
    [InlineData("{1, 2}")]
    public void Rejects_non_literals(string text)
    {
        foreach (bool lenient in new[] { false, true })
        {
            Assert.False(PythonLiteral.TryParse(text, out object? value, out string? error, lenient: lenient));
            Assert.Null(value);
            Assert.False(string.IsNullOrEmpty(error));
            Assert.Throws<FormatException>(() => PythonLiteral.Parse(text, lenient: lenient));
        }
    }

    // ---- strict (the connector's tool arguments and grounding boxes)

    [Theory]
    [InlineData("r'a\\n'", "a\\n")]
    [InlineData("'a' \"b\"", "ab")]
    [InlineData("'\\x41\\u00e9\\n'", "Aé\n")]
    [InlineData("'''tri'ple'''", "tri'ple")]
    [InlineData("'\\U0001F389\\101'", "🎉A")]
    public void Python_strings(string literal, string expected)
    {
        Assert.True(PythonLiteral.TryParse(literal, out object? value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void A_lone_surrogate_escape_is_kept_as_python_keeps_it()
    {
        Assert.True(PythonLiteral.TryParse("'\\ud800x'", out object? value));
        Assert.Equal("\ud800x", value);
    }

    [Theory]
    [InlineData("0x1F", 31L)]
    [InlineData("1_000", 1000L)]
    [InlineData("-5", -5L)]
    [InlineData("(7)", 7L)]
    public void Python_ints(string literal, long expected)
    {
        Assert.True(PythonLiteral.TryParse(literal, out object? value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("1 + 2")]
    [InlineData("f(1)")]
    [InlineData("007")]
    [InlineData("b'x'")]
    [InlineData("true")]
    [InlineData("'unterminated")]
    [InlineData("'two\nlines'")]
    public void Not_python_literals(string text) => Assert.False(PythonLiteral.TryParse(text, out _));

    [Fact]
    public void A_bare_tuple_is_read_at_the_top_level_only()
    {
        Assert.True(PythonLiteral.TryParse("1, 'a'", out object? value));
        Assert.Equal(new List<object?> { 1L, "a" }, value);
        int pos = 0;
        Assert.True(PythonLiteral.TryReadPrefix("1, 'a'", ref pos, out value, out _));
        Assert.Equal(1L, value);
        Assert.Equal(1, pos);
    }

    [Fact]
    public void A_prefix_is_read_up_to_the_end_of_the_literal()
    {
        const string call = "do(action='Tap', element=[10, 20])";
        int pos = "do(action=".Length;
        Assert.True(PythonLiteral.TryReadPrefix(call, ref pos, out object? value, out string? error, lenient: true), error);
        Assert.Equal("Tap", value);
        Assert.Equal(',', call[pos]);
    }

    // ---- nesting

    private static string Nested(int depth, string inner = "1") => new string('[', depth) + inner + new string(']', depth);

    // In a child process: a regression overflows the stack, which no test host survives.
    private static string DeepNestingProbe()
    {
        int pos = 0;
        return $"{PythonLiteral.TryParse(Nested(20_000), out _)} {PythonLiteral.TryReadPrefix("{'a': " + Nested(20_000) + "}", ref pos, out _, out _)}";
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_crash()
    {
        var outcome = ChildProcessProbe.Run(DeepNestingProbe);
        Assert.False(outcome.Crashed, outcome.ToString());
        Assert.Equal("False False", outcome.Result);
    }

    [Fact]
    public void Nesting_is_read_up_to_the_shared_limit_and_not_beyond()
    {
        int max = NestingLimit.MaxDepth;
        Assert.True(PythonLiteral.TryParse(Nested(max), out _));
        Assert.True(PythonLiteral.TryParse("{'a': " + Nested(max - 1) + "}", out _));
        Assert.False(PythonLiteral.TryParse(Nested(max + 1), out _, out string? error));
        Assert.Contains("nested deeper", error);
        Assert.False(PythonLiteral.TryParse(Nested(max + 1), out _, out bool tooDeep));
        Assert.True(tooDeep);
        Assert.False(PythonLiteral.TryParse("{'a': " + Nested(max) + "}", out _));
        Assert.False(PythonLiteral.TryParse(new string('(', max + 1) + "1," + new string(')', max + 1), out _));
        Assert.False(PythonLiteral.TryParse(new string('(', max + 1) + "1" + new string(')', max + 1), out _));
        Assert.False(PythonLiteral.TryParse("[1", out _, out bool shallow));
        Assert.False(shallow);
    }

    [Fact]
    public void Last_repeated_key_wins()
    {
        Assert.Equal("{\"a\":2}", Json("{'a': 1, 'a': 2}"));
    }
}
