using System.Text.Json;

namespace Glm4vSK.Formats.Tests;

/// <summary>
/// Model text that JSON-escapes a lone surrogate (<c>"\ud800"</c>): Python's <c>json.loads</c> reads it, and so must the
/// parsers, instead of letting System.Text.Json's <see cref="InvalidOperationException"/> escape.
/// </summary>
public sealed class ToolArgumentValuesTests
{
    [Fact]
    public void An_escaped_lone_surrogate_in_a_json_argument_is_read_not_thrown()
    {
        var value = ToolArgumentValues.Type("{\"a\": \"\\ud800x\"}", isStringParameter: false);
        var element = Assert.IsType<JsonElement>(value);
        // The public value is UTF-8 JSON, so the lone surrogate becomes U+FFFD.
        Assert.Equal("\uFFFDx", element.GetProperty("a").GetString());
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_a_grounding_label_is_read_not_thrown()
    {
        var box = Assert.Single(GroundingParser.Parse("<|begin_of_box|>[{\"label\": \"\\udc00\", \"bbox_2d\": [100, 200, 300, 400]}]<|end_of_box|>", 1000, 1000).Boxes);
        Assert.Equal(new GroundingRect(100, 200, 300, 400), box.Normalized);
    }
}
