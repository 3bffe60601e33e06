using Glm4vSK.Formats;

namespace Glm4vSK.Formats.Tests.Parsing;

public sealed class GroundingParserTests
{
    static void Close(double expected, double actual, double tolerance = 1e-9) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected}, got {actual}");

    [Fact]
    public void Pixel_mapping_divides_by_1000()
    {
        // A worked conversion: a box in thousandths to pixels on 1920x1080.
        var box = Assert.Single(GroundingParser.Parse("<|begin_of_box|>[[94,598,177,991]]<|end_of_box|>", 1920, 1080).Boxes);
        Close(180.48, box.Pixels.X1);
        Close(645.84, box.Pixels.Y1);
        Close(339.84, box.Pixels.X2);
        Close(1070.28, box.Pixels.Y2);
        Assert.Equal(new GroundingRect(94, 598, 177, 991), box.Normalized);
    }

    [Fact]
    public void Box_2d_action_dict_and_its_centre()
    {
        // G6 on a 1080x2400 phone screen: (543.24, 1392, 775.44, 1684.8), centre (610.5, 641) in thousandths → (659.34, 1538.4) px.
        var result = GroundingParser.Parse("Action: <|begin_of_box|>{\"action_type\": \"click\", \"box_2d\": [[503,580,718,702]]}<|end_of_box|>", 1080, 2400);
        var box = Assert.Single(result.Boxes);
        Close(543.24, box.Pixels.X1);
        Close(1392, box.Pixels.Y1);
        Close(775.44, box.Pixels.X2);
        Close(1684.8, box.Pixels.Y2);
        Assert.Equal(new GroundingPointF(610.5, 641), box.Normalized.Center);
        Close(659.34, box.Pixels.Center.X);
        Close(1538.4, box.Pixels.Center.Y);
    }

    [Theory]
    [InlineData("Action: <|begin_of_box|>{'action_type': 'input_text', 'text': 'Personal Finance Tracker', 'override': True, 'box_2d': [[38, 115, 961, 140]]}<|end_of_box|>")]
    [InlineData("Action: <|begin_of_box|>{'action_type': 'input_text', 'text': 'Personal Finance Tracker', 'override': true, 'box_2d': [[38, 115, 961, 140]]}<|end_of_box|>")]
    [InlineData("<|begin_of_box|>[[038, 0115, 961, 140]]<|end_of_box|>")]
    [InlineData("<|start_of_box|>[38,115,961,140]<|end_of_box|>")]
    [InlineData("<|begin_of_box|>(38, 115, 961, 140)<|end_of_box|>")]
    [InlineData("<|begin_of_box|><38,115,961,140><|end_of_box|>")]
    [InlineData("<|begin_of_box|>38 115 961 140<|end_of_box|>")]
    [InlineData("<think>It might be [[1, 2, 3, 4]].</think>Here: [38, 115, 961, 140]")]
    [InlineData("Here: <|begin_of_box|>[38, 115, 961, 140]")] // unterminated span: fallback
    public void Box_variants(string text)
    {
        var box = Assert.Single(GroundingParser.Parse(text, 1000, 1000).Boxes);
        Assert.Equal(new GroundingRect(38, 115, 961, 140), box.Normalized);
        Assert.Equal(box.Normalized, box.Pixels);
    }

    [Theory]
    [InlineData("<|begin_of_box|>42<|end_of_box|>")]
    [InlineData("<think>The answer is 1+x.</think><|begin_of_box|>1+x<|end_of_box|> and <|begin_of_box|>2+y<|end_of_box|>")]
    [InlineData("<|begin_of_box|>[1, 2, 3]<|end_of_box|>")]
    [InlineData("<|begin_of_box|><|end_of_box|> [1,2,3,4]")] // a complete (empty) span: no fallback
    [InlineData("There are 3 cats, 4 dogs, 10 birds and 12 fish.")]
    [InlineData("Groups [1, 2, 3] and [1, 2, 3, 4, 5] are not boxes.")]
    public void No_coordinates(string text)
    {
        var result = GroundingParser.Parse(text, 640, 480);
        Assert.True(result.IsEmpty);
        Assert.Null(result.Labels);
    }

    [Fact]
    public void Points_lists_and_labels()
    {
        var result = GroundingParser.Parse(
            "<|begin_of_box|>[{\"label\": \"a\", \"point_2d\": [100, 200]}, {\"label\": \"b\", \"bbox_2d\": [1, 2, 3, 4]}]<|end_of_box|>"
            + "<|begin_of_box|>[[10, 20], [30, 40]]<|end_of_box|>", 2000, 1000);
        Assert.Equal(["b"], result.Boxes.Select(b => b.Label));
        Assert.Equal([new GroundingPointF(100, 200), new GroundingPointF(10, 20), new GroundingPointF(30, 40)], result.Points.Select(p => p.Normalized));
        Assert.Equal(new GroundingPointF(200, 200), result.Points[0].Pixels);
        Assert.Equal(["b", "a", null, null], result.Labels);
    }

    [Fact]
    public void Reversed_boxes_are_kept_as_given()
    {
        var box = Assert.Single(GroundingParser.Parse("<|begin_of_box|>[500, 600, 100, 200]<|end_of_box|>", 1000, 1000).Boxes);
        Assert.Equal(new GroundingRect(500, 600, 100, 200), box.Normalized);
        Assert.Equal(100, box.Normalized.Left);
        Assert.Equal(400, box.Normalized.Width);
    }

    [Fact]
    public void Leading_zeros_are_stripped_outside_strings_only()
    {
        Assert.Equal("[[94, 598, 0, 0.5, 100]] 'Shorthair-01' x07", GroundingParser.StripLeadingZeros("[[094, 0598, 000, 00.5, 100]] 'Shorthair-01' x07"));
    }

    [Fact]
    public void Image_size_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GroundingParser.Parse("[1,2,3,4]", 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => GroundingParser.Parse("[1,2,3,4]", 10, -1));
    }
}
