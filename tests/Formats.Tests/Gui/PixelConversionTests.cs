using Glm4vSK.Formats.Gui;

namespace Glm4vSK.Formats.Tests.Gui;

public sealed class PixelConversionTests
{
    [Theory]
    [InlineData(376, 465, 1920, 1080, 721.92, 502.2)]
    [InlineData(499, 182, 1080, 2400, 538.92, 436.8)]
    [InlineData(0, 0, 1080, 2400, 0, 0)]
    [InlineData(1000, 1000, 1080, 2400, 1080, 2400)]
    [InlineData(610.5, 641, 1080, 2400, 659.34, 1538.4)]
    [InlineData(1, 1, 333, 777, 0.33, 0.78)]
    public void Thousandths_to_pixels(double x, double y, int w, int h, double px, double py)
    {
        var p = new GuiPoint(x, y).ToPixels(w, h);
        Assert.Equal(px, p.X, 1e-9);
        Assert.Equal(py, p.Y, 1e-9);
    }

    [Fact]
    public void Not_clamped_and_truncated_like_the_autoglm_executor()
    {
        var p = new GuiPoint(1200, -10).ToPixels(1000, 1000);
        Assert.Equal(new PixelPoint(1200, -10), p);
        Assert.Equal((538, 436), new GuiPoint(499, 182).ToPixels(1080, 2400).Truncate());
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(100, -1)]
    public void Rejects_empty_screens(int w, int h) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GuiPoint(1, 1).ToPixels(w, h));

    [Fact]
    public void Box_centre()
    {
        Assert.Equal(new GuiPoint(610.5, 641), GuiPoint.CenterOf(503, 580, 718, 702));
    }

    [Fact]
    public void Action_points_convert_start_and_end()
    {
        var result = GuiActionParsers.For(GuiProtocol.GlmVPc).Parse("<|begin_of_box|>left_drag(start_box='[100, 100]', end_box='[300, 300]')<|end_of_box|>");
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(GuiActionKind.Drag, result.Action.Kind);
        Assert.Equal(new PixelPoint(192, 108), result.Action.ToPixels(1920, 1080));
        Assert.Equal(new PixelPoint(576, 324), result.Action.EndToPixels(1920, 1080));
    }

    [Fact]
    public void No_point_gives_null()
    {
        var result = GuiActionParsers.For(GuiProtocol.GlmVWeb).Parse("Action: Click [3]");
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Null(result.Action.ToPixels(1280, 800));
        Assert.Null(result.Action.EndToPixels(1280, 800));
    }
}
