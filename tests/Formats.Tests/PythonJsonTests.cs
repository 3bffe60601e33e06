using System.Text.Json;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;

namespace Glm4vSK.Formats.Tests;

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
    [InlineData(3.14, "3.14")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(123456789.125, "123456789.125")]
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

    [Fact]
    public void Plain_values_are_written_like_json_nodes()
    {
        var dict = new OrderedDictionary<string, object?> { ["a"] = 1L, ["b"] = new List<object?> { true, null, "x\"y" }, ["c"] = 2.0 };
        Assert.Equal("{\"a\": 1, \"b\": [true, null, \"x\\\"y\"], \"c\": 2.0}", PythonJson.Serialize(dict));
        Assert.Equal("[7, 0.1, 2.5, 3, 12345678901234567890]", PythonJson.Serialize(new object[] { (byte)7, 0.1f, 2.50m, 3m, BigInteger.Parse("12345678901234567890") }));
        Assert.Equal("\"x\"", PythonJson.Serialize('x'));
        Assert.Throws<NotSupportedException>(() => PythonJson.Serialize(new Uri("http://example.com")));
    }

    [Fact]
    public void Plain_values_nodes_and_elements_write_the_same_text()
    {
        const string text = "{\"k\": [1, 2.5, \"é\\n\", {\"n\": null}]}";
        using var doc = JsonDocument.Parse(text);
        var plain = new OrderedDictionary<string, object?>
        {
            ["k"] = new List<object?> { 1L, 2.5, "é\n", new OrderedDictionary<string, object?> { ["n"] = null } },
        };
        Assert.Equal(text, PythonJson.Serialize(plain));
        Assert.Equal(text, PythonJson.Serialize(JsonNode.Parse(text)));
        Assert.Equal(text, PythonJson.Serialize(doc.RootElement));
        Assert.Equal("{\"e\": " + text + "}", PythonJson.Serialize(new OrderedDictionary<string, object?> { ["e"] = doc.RootElement }));
    }

    [Fact]
    public void A_lone_surrogate_is_written_as_is_unless_replacement_is_asked_for()
    {
        // json.dumps("\ud800a\U0001F389", ensure_ascii=False) keeps the lone surrogate (its str can hold one).
        const string s = "\ud800a\U0001F389\udc00";
        Assert.Equal("\"\ud800a\U0001F389\udc00\"", PythonJson.Serialize(s));
        Assert.Equal("\"\ud800a\U0001F389\udc00\"", PythonJson.Serialize(JsonValue.Create(s)));
        // Where the text goes to UTF-8 (System.Text.Json), U+FFFD: what encoding it would give.
        Assert.Equal("\"\uFFFDa\U0001F389\uFFFD\"", PythonJson.Serialize(s, replaceLoneSurrogates: true));
        Assert.Equal("{\"\uFFFD\": [\"\uFFFD\"]}", PythonJson.Serialize(new OrderedDictionary<string, object?> { ["\ud800"] = new List<object?> { "\udfff" } }, replaceLoneSurrogates: true));
        var sb = new StringBuilder();
        PythonJson.AppendEscaped(sb, "\ud83c", replaceLoneSurrogates: true);
        Assert.Equal("\uFFFD", sb.ToString());
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_parsed_json_is_written_not_thrown()
    {
        // json.dumps(json.loads('["\\ud800"]'), ensure_ascii=False): System.Text.Json will not read it as a string.
        const string text = "[\"\\ud800\"]";
        using var doc = JsonDocument.Parse(text);
        Assert.Equal("[\"\ud800\"]", PythonJson.Serialize(doc.RootElement));
        Assert.Equal("[\"\ud800\"]", PythonJson.Serialize(JsonNode.Parse(text)));
        Assert.Equal("[\"\uFFFD\"]", PythonJson.Serialize(doc.RootElement, replaceLoneSurrogates: true));
    }

    [Theory]
    [InlineData("12", 12L)]
    [InlineData("-0", 0L)]
    [InlineData("1.0", 1.0)]
    [InlineData("1e2", 100.0)]
    [InlineData("99999999999999999999", 1e20)]
    public void Json_numbers_are_typed_as_json_loads_types_them(string raw, object expected) =>
        Assert.Equal(expected, PythonJson.ParseNumber(raw));
}
