using Glm4vSK.Connector.Parsing;

namespace Glm4vSK.Connector.Tests;

public sealed class PythonStyleJsonTests
{
    [Theory]
    [InlineData(3.0, "3.0")]
    [InlineData(3.14, "3.14")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(123456789.125, "123456789.125")]
    public void Floats_are_written_like_python_repr(double value, string expected) =>
        Assert.Equal(expected, PythonStyleJson.FormatFloat(value));

    [Fact]
    public void Containers_use_python_separators()
    {
        var dict = new OrderedDictionary<string, object?> { ["a"] = 1L, ["b"] = new List<object?> { true, null, "x\"y" } };
        Assert.Equal("{\"a\": 1, \"b\": [true, null, \"x\\\"y\"]}", PythonStyleJson.Serialize(dict));
    }

    [Theory]
    [InlineData("r'a\\n'", "a\\n")]
    [InlineData("'a' \"b\"", "ab")]
    [InlineData("'\\x41\\u00e9\\n'", "Aé\n")]
    [InlineData("'''tri'ple'''", "tri'ple")]
    public void Python_strings(string literal, string expected)
    {
        Assert.True(PythonLiteral.TryParse(literal, out object? value));
        Assert.Equal(expected, value);
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
    public void Not_python_literals(string text) => Assert.False(PythonLiteral.TryParse(text, out _));
}
