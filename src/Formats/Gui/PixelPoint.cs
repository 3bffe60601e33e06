namespace Glm4vSK.Formats.Gui;

/// <summary>A point in screenshot pixels (rounded to 2 decimals; truncate for a device).</summary>
public readonly record struct PixelPoint(double X, double Y)
{
    /// <summary>The point truncated to whole pixels, as the AutoGLM executor does (<c>int()</c>).</summary>
    public (int X, int Y) Truncate() => ((int)X, (int)Y);
}
