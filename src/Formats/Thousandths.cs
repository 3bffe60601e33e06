namespace Glm4vSK.Formats;

/// <summary>
/// The models' coordinate system: thousandths of the image size on each axis (0–1000, x first). Grounding boxes and
/// GUI-action points both convert with <c>v / 1000 × size</c> (the first-party convention, not <c>/ 999</c>).
/// </summary>
public static class Thousandths
{
    /// <summary>The scale the model writes: 1000 = the full width or height.</summary>
    public const double Scale = 1000.0;

    /// <summary>A coordinate in thousandths → pixels of an axis <paramref name="size"/> pixels long (not clamped).</summary>
    public static double ToPixels(double value, int size) => value / Scale * size;
}
