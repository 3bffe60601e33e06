using SkiaSharp;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Decodes PNG, JPEG, WebP, GIF (first frame), BMP and ICO bytes to an upright 8-bit <see cref="RgbImage"/> with
/// SkiaSharp, the way transformers loads images with Pillow: EXIF orientation applied, colour stored unpremultiplied
/// and the alpha channel dropped (not composited), no colour management. Every failure is an
/// <see cref="InvalidMediaException"/>; the size limit is checked from the header before any pixel is allocated.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Default decode limit: 100 megapixels.</summary>
    public const long DefaultMaxPixels = 100_000_000;

    static readonly HashSet<SKEncodedImageFormat> Supported =
        [SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Webp, SKEncodedImageFormat.Gif,
         SKEncodedImageFormat.Bmp, SKEncodedImageFormat.Ico];

    /// <summary>Decodes an encoded image.</summary>
    /// <param name="maxPixels">images with more pixels (width × height) are refused before decoding.</param>
    /// <param name="mediaType">declared media type, only reported in errors.</param>
    public static RgbImage Decode(ReadOnlySpan<byte> data, long maxPixels = DefaultMaxPixels, string? mediaType = null)
    {
        using var codec = Open(data, mediaType, out var sk);
        using (sk)
        {
            var info = codec.Info;
            CheckSize(info.Width, info.Height, maxPixels, mediaType);
            var dstInfo = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            var rgba = new byte[(long)info.Width * info.Height * 4];
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = rgba)
                    result = codec.GetPixels(dstInfo, (IntPtr)p, dstInfo.RowBytes, new SKCodecOptions(0));
            }
            if (result != SKCodecResult.Success)
                throw new InvalidMediaException(
                    result == SKCodecResult.IncompleteInput
                        ? $"the {FormatName(codec.EncodedFormat)} image is truncated."
                        : $"the {FormatName(codec.EncodedFormat)} image could not be decoded ({result}).",
                    mediaType: mediaType);

            var rgb = DropAlpha(rgba);
            var (pixels, w, h) = ExifOrientation.Apply(rgb, info.Width, info.Height, codec.EncodedOrigin);
            return new RgbImage(w, h, pixels);
        }
    }

    /// <summary>Decodes an encoded image read to the end of <paramref name="stream"/>.</summary>
    public static RgbImage Decode(Stream stream, long maxPixels = DefaultMaxPixels, string? mediaType = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return Decode(ms.GetBuffer().AsSpan(0, (int)ms.Length), maxPixels, mediaType);
    }

    /// <summary>The upright (EXIF-oriented) width and height, read from the header only.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> data, string? mediaType = null) => ReadSize(data, null, mediaType);

    /// <summary>The upright width and height from the header, refused as <see cref="Decode(ReadOnlySpan{byte}, long, string?)"/> would refuse it.</summary>
    /// <param name="maxPixels">images with more pixels (width × height) are refused.</param>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> data, long maxPixels, string? mediaType = null) => ReadSize(data, (long?)maxPixels, mediaType);

    static (int Width, int Height) ReadSize(ReadOnlySpan<byte> data, long? maxPixels, string? mediaType)
    {
        using var codec = Open(data, mediaType, out var sk);
        using (sk)
        {
            var info = codec.Info;
            if (maxPixels is long max) CheckSize(info.Width, info.Height, max, mediaType);
            else if (info.Width <= 0 || info.Height <= 0)
                throw new InvalidMediaException($"the image is empty ({info.Width}x{info.Height}).", mediaType: mediaType);
            return ExifOrientation.SwapsAxes(codec.EncodedOrigin) ? (info.Height, info.Width) : (info.Width, info.Height);
        }
    }

    static SKCodec Open(ReadOnlySpan<byte> data, string? mediaType, out SKData sk)
    {
        if (data.IsEmpty) throw new InvalidMediaException("the image is empty (0 bytes).", mediaType: mediaType);
        sk = SKData.CreateCopy(data);
        var codec = SKCodec.Create(new SKMemoryStream(sk), out var result);
        if (codec is null)
        {
            sk.Dispose();
            string? known = SniffFormat(data);
            throw new InvalidMediaException(known is null
                ? "the data is not an image in a supported format (PNG, JPEG, WebP, GIF, BMP)."
                : $"the {known} image is corrupt or truncated ({result}).", mediaType: mediaType);
        }
        if (!Supported.Contains(codec.EncodedFormat))
        {
            var format = codec.EncodedFormat;
            codec.Dispose();
            sk.Dispose();
            throw new InvalidMediaException($"the image format {format} is not supported (PNG, JPEG, WebP, GIF, BMP).", mediaType: mediaType);
        }
        return codec;
    }

    static void CheckSize(int width, int height, long maxPixels, string? mediaType)
    {
        if (width <= 0 || height <= 0)
            throw new InvalidMediaException($"the image is empty ({width}x{height}).", mediaType: mediaType);
        long pixels = (long)width * height;
        if (pixels > maxPixels)
            throw new InvalidMediaException(
                $"the image is too large: {width}x{height} = {pixels:N0} pixels, above the limit of {maxPixels:N0}.", mediaType: mediaType);
        if (pixels * 4 > Array.MaxLength)
            throw new InvalidMediaException($"the image is too large to decode: {width}x{height}.", mediaType: mediaType);
    }

    static byte[] DropAlpha(byte[] rgba)
    {
        long n = rgba.LongLength / 4;
        var rgb = new byte[n * 3];
        var src = rgba.AsSpan();
        var dst = rgb.AsSpan();
        for (int i = 0, s = 0, d = 0; i < n; i++, s += 4, d += 3)
        {
            dst[d] = src[s];
            dst[d + 1] = src[s + 1];
            dst[d + 2] = src[s + 2];
        }
        return rgb;
    }

    static string FormatName(SKEncodedImageFormat f) => f switch
    {
        SKEncodedImageFormat.Jpeg => "JPEG",
        SKEncodedImageFormat.Png => "PNG",
        SKEncodedImageFormat.Webp => "WebP",
        SKEncodedImageFormat.Gif => "GIF",
        SKEncodedImageFormat.Bmp => "BMP",
        SKEncodedImageFormat.Ico => "ICO",
        _ => f.ToString(),
    };

    /// <summary>The format named by the leading magic bytes, when it is one this decoder supports.</summary>
    static string? SniffFormat(ReadOnlySpan<byte> d)
    {
        if (d.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G'])) return "PNG";
        if (d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "JPEG";
        if (d.Length >= 12 && d.StartsWith("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8)) return "WebP";
        if (d.StartsWith("GIF87a"u8) || d.StartsWith("GIF89a"u8)) return "GIF";
        if (d.StartsWith("BM"u8)) return "BMP";
        return null;
    }
}
