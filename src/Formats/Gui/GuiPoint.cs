namespace Glm4vSK.Formats.Gui;

/// <summary>A point in the model's normalised thousandths (0–1000 on each axis, as given: never clamped).</summary>
public readonly record struct GuiPoint(double X, double Y)
{
    /// <summary>
    /// Pixel coordinates for a <paramref name="width"/> × <paramref name="height"/> screenshot: <c>v/1000·size</c>
    /// rounded to 2 decimals (the first-party AutoGLM convention). An executor may then
    /// truncate (the AutoGLM executor does <c>int()</c>).
    /// </summary>
    public PixelPoint ToPixels(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return new PixelPoint(Scale(X, width), Scale(Y, height));
    }

    private static double Scale(double v, int size) => Math.Round(Thousandths.ToPixels(v, size), 2, MidpointRounding.ToEven);

    /// <summary>The centre of the box <c>[x1, y1, x2, y2]</c>.</summary>
    public static GuiPoint CenterOf(double x1, double y1, double x2, double y2) => new((x1 + x2) / 2, (y1 + y2) / 2);
}
