using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// <see cref="PythonJson"/> against <c>json.dumps(x, ensure_ascii=False)</c> (expected strings taken from CPython 3.11).
/// </summary>
public sealed class PythonJsonTests
{
    [Fact]
    public void Escapes_like_python_and_keeps_non_ascii_raw()
    {
        var node = new JsonObject { ["q"] = "a\"b\\c\n\r\t\b\f\u0001\u001f\u007f é 北京 🎉 \u2028" };
        Assert.Equal("{\"q\": \"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\u007f é 北京 🎉 \u2028\"}", PythonJson.Serialize(node));
    }

    [Fact]
    public void Control_characters_use_lower_case_hex()
    {
        Assert.Equal("\"\\u001b\\u000b\\u0000\"", PythonJson.Serialize(JsonValue.Create("\u001b\u000b\0")));
    }

    [Fact]
    public void Separators_and_key_order_are_pythons()
    {
        var node = JsonNode.Parse("""{"z":1,"a":{"y":[1,2,{}],"b":[]},"m":"x"}""");
        Assert.Equal("{\"z\": 1, \"a\": {\"y\": [1, 2, {}], \"b\": []}, \"m\": \"x\"}", PythonJson.Serialize(node));
    }

    [Fact]
    public void Literals()
    {
        Assert.Equal("[true, false, null]", PythonJson.Serialize(JsonNode.Parse("[true,false,null]")));
        Assert.Equal("null", PythonJson.Serialize((JsonNode?)null));
        Assert.Equal("[true, null]", PythonJson.Serialize(new JsonArray(JsonValue.Create(true), null)));
    }

    [Fact]
    public void Parsed_numbers_keep_their_python_type()
    {
        // json.dumps(json.loads('[1E+16, 2.50, -0, 1.0e2, 1e400, 12345678901234567890, 1e-5, 3.0]'))
        const string text = "[1E+16, 2.50, -0, 1.0e2, 1e400, 12345678901234567890, 1e-5, 3.0]";
        const string expected = "[1e+16, 2.5, 0, 100.0, Infinity, 12345678901234567890, 1e-05, 3.0]";
        Assert.Equal(expected, PythonJson.Serialize(JsonNode.Parse(text)));
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(expected, PythonJson.Serialize(doc.RootElement));
        Assert.Equal(expected, PythonJson.Serialize(JsonArray.Create(doc.RootElement)));
        Assert.Equal("1e+16", PythonJson.Serialize(JsonValue.Create(doc.RootElement[0])));
    }

    [Theory]
    [InlineData(2.5, "2.5")]
    [InlineData(-12.5, "-12.5")]
    [InlineData(3.0, "3.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.5e-07, "1.5e-07")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e22, "1e+22")]
    [InlineData(1.2345678901234567e16, "1.2345678901234568e+16")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Floats_are_python_repr(double value, string expected)
    {
        Assert.Equal(expected, PythonJson.FormatFloat(value));
        Assert.Equal(expected, PythonJson.Serialize(JsonValue.Create(value)));
    }

    [Fact]
    public void Clr_numbers_follow_python_types()
    {
        Assert.Equal("3", PythonJson.Serialize(JsonValue.Create(3)));
        Assert.Equal("-9223372036854775808", PythonJson.Serialize(JsonValue.Create(long.MinValue)));
        Assert.Equal("18446744073709551615", PythonJson.Serialize(JsonValue.Create(ulong.MaxValue)));
        Assert.Equal("0.1", PythonJson.Serialize(JsonValue.Create(0.1f)));
        Assert.Equal("3.0", PythonJson.Serialize(JsonValue.Create(3f)));
        Assert.Equal("2.5", PythonJson.Serialize(JsonValue.Create(2.50m)));
        Assert.Equal("7", PythonJson.Serialize(JsonValue.Create(7m)));
        Assert.Equal("\"x\"", PythonJson.Serialize(JsonValue.Create('x')));
    }
}
