using SkiaSharp;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Applies an EXIF orientation to interleaved RGB pixels, as Pillow's <c>ImageOps.exif_transpose</c> does (which
/// transformers' <c>load_image</c> calls). SkiaSharp reports the orientation but never applies it.
/// </summary>
internal static class ExifOrientation
{
    /// <summary>Whether the orientation swaps width and height (the 90° and 270° cases).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The upright image: a new buffer (or <paramref name="rgb"/> itself for TopLeft) and its size.</summary>
    public static (byte[] Pixels, int Width, int Height) Apply(byte[] rgb, int width, int height, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or (SKEncodedOrigin)0 || (int)origin > 8) return (rgb, width, height);
        bool swap = SwapsAxes(origin);
        int ow = swap ? height : width, oh = swap ? width : height;
        // Source pixel shown at (x, y) of the upright image: sx = ax·x + bx·y + cx, sy = ay·x + by·y + cy.
        (int ax, int bx, int cx, int ay, int by, int cy) = origin switch
        {
            SKEncodedOrigin.TopRight => (-1, 0, width - 1, 0, 1, 0),                 // 2: mirror left-right
            SKEncodedOrigin.BottomRight => (-1, 0, width - 1, 0, -1, height - 1),    // 3: rotate 180
            SKEncodedOrigin.BottomLeft => (1, 0, 0, 0, -1, height - 1),              // 4: mirror top-bottom
            SKEncodedOrigin.LeftTop => (0, 1, 0, 1, 0, 0),                           // 5: transpose
            SKEncodedOrigin.RightTop => (0, 1, 0, -1, 0, height - 1),                // 6: rotate 90 clockwise
            SKEncodedOrigin.RightBottom => (0, -1, width - 1, -1, 0, height - 1),    // 7: transverse
            _ => (0, -1, width - 1, 1, 0, 0),                                        // 8: rotate 90 counter-clockwise
        };
        var dst = new byte[rgb.LongLength];
        for (int y = 0; y < oh; y++)
        {
            long d = (long)y * ow * 3;
            int sx = bx * y + cx, sy = by * y + cy;
            for (int x = 0; x < ow; x++, d += 3, sx += ax, sy += ay)
            {
                long s = ((long)sy * width + sx) * 3;
                dst[d] = rgb[s];
                dst[d + 1] = rgb[s + 1];
                dst[d + 2] = rgb[s + 2];
            }
        }
        return (dst, ow, oh);
    }
}
