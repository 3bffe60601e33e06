using Glm4vSK.Agents.Protocols;

namespace Glm4vSK.Agents.Tests;

public sealed class PythonLiteralTests
{
    private static string Json(string text, bool allowJsonNames = false) =>
        Js.Of(PythonLiteral.ToJsonNode(PythonLiteral.Parse(text, allowJsonNames)));

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
    [InlineData("{1: 'a'}")]
    [InlineData("[1, 2")]
    [InlineData("'abc")]
    [InlineData("(1)")]
    [InlineData("1 2")]
    [InlineData("{{'a': 1}}")]
    [InlineData("foo")]
    [InlineData("1+x")]
    [InlineData("12abc")]
    [InlineData("'\\xZZ'")]
    public void Rejects_non_literals(string text)
    {
        Assert.False(PythonLiteral.TryParse(text, out object? value, out string? error));
        Assert.Null(value);
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<FormatException>(() => PythonLiteral.Parse(text));
    }

    private static string Nested(int depth, string inner = "1") => new string('[', depth) + inner + new string(']', depth);

    // In a child process: a regression overflows the stack, which no test host survives.
    private static string DeepNestingProbe()
    {
        int pos = 0;
        return $"{PythonLiteral.TryParse(Nested(20_000), out _, out _)} {PythonLiteral.TryReadPrefix("{'a': " + Nested(20_000) + "}", ref pos, out _, out _)}";
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
        Assert.True(PythonLiteral.TryParse(Nested(max), out _, out _));
        Assert.True(PythonLiteral.TryParse("{'a': " + Nested(max - 1) + "}", out _, out _));
        Assert.False(PythonLiteral.TryParse(Nested(max + 1), out _, out string? error));
        Assert.Contains("nested deeper", error);
        Assert.False(PythonLiteral.TryParse("{'a': " + Nested(max) + "}", out _, out _));
        Assert.False(PythonLiteral.TryParse(new string('(', max + 1) + "1," + new string(')', max + 1), out _, out _));
    }

    [Fact]
    public void Last_repeated_key_wins()
    {
        Assert.Equal("{\"a\":2}", Json("{'a': 1, 'a': 2}"));
    }
}
