namespace Glm4vSK.Formats.Tests;

/// <summary><see cref="PythonRepr"/> against CPython's <c>repr</c>.</summary>
public sealed class PythonReprTests
{
    [Fact]
    public void Dicts_lists_and_constants_are_written_as_python_writes_them()
    {
        var dict = new OrderedDictionary<string, object?>
        {
            ["action_type"] = "click",
            ["box_2d"] = new List<object?> { new List<object?> { 1L, 2L, 3L, 4L } },
            ["flags"] = new List<object?> { true, false, null },
        };
        Assert.Equal("{'action_type': 'click', 'box_2d': [[1, 2, 3, 4]], 'flags': [True, False, None]}", PythonRepr.Write(dict));
    }

    [Theory]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(3.0, "3.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void Floats_are_repr_float(double value, string expected) => Assert.Equal(expected, PythonRepr.Write(value));

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("a'b\"c", "'a\\'b\"c'")]
    [InlineData("x\ny\t\\", "'x\\ny\\t\\\\'")]
    [InlineData("\u0001\u007f", "'\\x01\\x7f'")]
    [InlineData("微信", "'微信'")]
    public void Strings_pick_their_quote_and_escape_like_python(string value, string expected) =>
        Assert.Equal(expected, PythonRepr.Write(value));
}
