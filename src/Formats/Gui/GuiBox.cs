namespace Glm4vSK.Formats.Gui;

/// <summary>A box <c>[x1, y1, x2, y2]</c> in the model's thousandths, as written (not reordered or clamped).</summary>
public readonly record struct GuiBox(double X1, double Y1, double X2, double Y2)
{
    /// <summary>The centre, where a click on the box lands.</summary>
    public GuiPoint Center => GuiPoint.CenterOf(X1, Y1, X2, Y2);

    /// <summary>The box in pixels (left ≤ right, top ≤ bottom) of a <paramref name="width"/> × <paramref name="height"/> screenshot.</summary>
    public (PixelPoint TopLeft, PixelPoint BottomRight) ToPixels(int width, int height)
    {
        var a = new GuiPoint(X1, Y1).ToPixels(width, height);
        var b = new GuiPoint(X2, Y2).ToPixels(width, height);
        return (new PixelPoint(Math.Min(a.X, b.X), Math.Min(a.Y, b.Y)), new PixelPoint(Math.Max(a.X, b.X), Math.Max(a.Y, b.Y)));
    }
}
