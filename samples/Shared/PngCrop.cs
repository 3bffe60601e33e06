using SkiaSharp;

namespace Glm4vSK.Samples.Shared;

/// <summary>Cuts a region out of a picture and enlarges it, for tools that let the model look closer.</summary>
public static class PngCrop
{
    /// <summary>
    /// The region (x1, y1)–(x2, y2) of <paramref name="image"/>, in GLM's 0–1000 coordinates of its width and height,
    /// as a PNG enlarged so its longer side is at least <paramref name="minSide"/> pixels.
    /// </summary>
    public static byte[] Crop(byte[] image, int x1, int y1, int x2, int y2, int minSide = 448)
    {
        using var source = SKBitmap.Decode(image) ?? throw new InvalidOperationException("The picture could not be decoded.");
        int Px(int v, int size) => Math.Clamp((int)Math.Round(v / 1000.0 * size), 0, size);
        var rect = SKRectI.Create(Px(Math.Min(x1, x2), source.Width), Px(Math.Min(y1, y2), source.Height), 0, 0);
        rect.Right = Math.Max(rect.Left + 1, Px(Math.Max(x1, x2), source.Width));
        rect.Bottom = Math.Max(rect.Top + 1, Px(Math.Max(y1, y2), source.Height));
        rect.Right = Math.Min(rect.Right, source.Width);
        rect.Bottom = Math.Min(rect.Bottom, source.Height);
        float scale = Math.Max(1, (float)minSide / Math.Max(rect.Width, rect.Height));
        var info = new SKImageInfo(Math.Max(1, (int)(rect.Width * scale)), Math.Max(1, (int)(rect.Height * scale)));
        using var surface = SKSurface.Create(info);
        using var sourceImage = SKImage.FromBitmap(source);
        surface.Canvas.DrawImage(sourceImage, rect, new SKRect(0, 0, info.Width, info.Height), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var cropped = surface.Snapshot();
        return cropped.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    /// <summary>The media type of an image file, by its extension.</summary>
    public static string MediaType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        ".bmp" => "image/bmp",
        _ => "image/png",
    };
}
