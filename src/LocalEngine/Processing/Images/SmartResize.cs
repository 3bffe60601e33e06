namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// The target size of an image or of a video's frames (transformers' GLM-4V <c>smart_resize</c>, newest version):
/// both sides multiples of <c>factor</c>, frames × height × width inside [minPixels, maxPixels], aspect ratio kept.
/// Computed in float64 with Python's operation order and round-half-to-even.
/// </summary>
public static class SmartResize
{
    /// <summary>The function's own defaults (112·112 and 14·14·2·2·2·6144 = 9,633,792).</summary>
    public const long DefaultMinPixels = 112 * 112;
    public const long DefaultMaxPixels = 14L * 14 * 2 * 2 * 2 * 6144;
    /// <summary>Largest accepted long-side / short-side ratio.</summary>
    public const double MaxAspectRatio = 200;

    /// <summary>
    /// The resized (height, width) for <paramref name="numFrames"/> frames of <paramref name="height"/> × <paramref name="width"/>
    /// (an image counts as <paramref name="temporalFactor"/> frames).
    /// </summary>
    /// <exception cref="InvalidMediaException">fewer frames than <paramref name="temporalFactor"/>, an empty size, or an
    /// aspect ratio above 200:1.</exception>
    public static (int Height, int Width) Compute(int numFrames, int height, int width, int factor = 28,
        long minPixels = DefaultMinPixels, long maxPixels = DefaultMaxPixels, int temporalFactor = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temporalFactor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minPixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        if (numFrames < temporalFactor)
            throw new InvalidMediaException($"a video needs at least {temporalFactor} frames, found {numFrames}.");
        if (height <= 0 || width <= 0)
            throw new InvalidMediaException($"the image is empty ({width}x{height}).");

        long h = height, w = width;
        if (h < factor || w < factor)
        {
            // Up-scale so the short side reaches one factor; Python int() truncates.
            double scale = Math.Max((double)factor / h, (double)factor / w);
            h = (long)(h * scale);
            w = (long)(w * scale);
        }
        double ratio = (double)Math.Max(h, w) / Math.Min(h, w);
        if (ratio > MaxAspectRatio)
            throw new InvalidMediaException(
                $"the image is too elongated: {width}x{height} has an aspect ratio of {ratio:0.##}:1, above {MaxAspectRatio}:1.");

        double hBar = Math.Round((double)h / factor, MidpointRounding.ToEven) * factor;
        double wBar = Math.Round((double)w / factor, MidpointRounding.ToEven) * factor;
        double tBar = Math.Round((double)numFrames / temporalFactor, MidpointRounding.ToEven) * temporalFactor;
        double volume = (double)numFrames * h * w;

        if (tBar * hBar * wBar > maxPixels)
        {
            double beta = Math.Sqrt(volume / maxPixels);
            hBar = Math.Max(factor, Math.Floor(h / beta / factor) * factor);
            wBar = Math.Max(factor, Math.Floor(w / beta / factor) * factor);
        }
        else if (tBar * hBar * wBar < minPixels)
        {
            double beta = Math.Sqrt(minPixels / volume);
            hBar = Math.Ceiling(h * beta / factor) * factor;
            wBar = Math.Ceiling(w * beta / factor) * factor;
        }
        if (hBar > int.MaxValue || wBar > int.MaxValue)
            throw new InvalidMediaException($"the image is too large to resize ({width}x{height}).");
        return ((int)hBar, (int)wBar);
    }
}
