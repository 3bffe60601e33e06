using Microsoft.Extensions.AI;
using SkiaSharp;

namespace Glm4vSK.Agents.Screens;

/// <summary>An encoded screenshot (PNG or JPEG bytes) with its pixel size.</summary>
public sealed class Screenshot
{
    /// <summary>Wraps encoded image bytes whose size is already known.</summary>
    public Screenshot(ReadOnlyMemory<byte> data, string mediaType, int width, int height)
    {
        if (data.IsEmpty) throw new ArgumentException("A screenshot needs image bytes.", nameof(data));
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Data = data;
        MediaType = mediaType;
        Width = width;
        Height = height;
    }

    /// <summary>The encoded image.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary><c>image/png</c> or <c>image/jpeg</c>.</summary>
    public string MediaType { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>
    /// Reads the size and format from encoded bytes (PNG, JPEG, WebP, …).
    /// Throws <see cref="InvalidDataException"/> when the bytes are not a decodable image.
    /// </summary>
    public static Screenshot FromEncoded(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream)
            ?? throw new InvalidDataException($"The screenshot bytes ({data.Length} bytes) are not a decodable image.");
        string mediaType = codec.EncodedFormat switch
        {
            SKEncodedImageFormat.Png => "image/png",
            SKEncodedImageFormat.Jpeg => "image/jpeg",
            SKEncodedImageFormat.Webp => "image/webp",
            SKEncodedImageFormat.Gif => "image/gif",
            SKEncodedImageFormat.Bmp => "image/bmp",
            var f => throw new InvalidDataException($"Unsupported screenshot format {f}."),
        };
        return new Screenshot(data, mediaType, codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Encodes RGBA8888 pixels (row-major, <paramref name="width"/>·4 bytes per row) as PNG.</summary>
    public static Screenshot FromRgba(ReadOnlySpan<byte> rgba, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgba.Length < width * height * 4) throw new ArgumentException("Too few pixel bytes for the size.", nameof(rgba));
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        rgba[..(width * height * 4)].CopyTo(bitmap.GetPixelSpan());
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return new Screenshot(png.ToArray(), "image/png", width, height);
    }

    /// <summary>
    /// A copy scaled to <c>(Width/2, Height/2)</c> (integer division) and re-encoded as PNG: how GLM-V's PC
    /// protocols send history screenshots (at most the 4 latest).
    /// </summary>
    public Screenshot Halve() => Resize(Math.Max(1, Width / 2), Math.Max(1, Height / 2));

    /// <summary>A copy resized to <paramref name="width"/> × <paramref name="height"/>, encoded as PNG.</summary>
    public Screenshot Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        using var source = SKBitmap.Decode(Data.ToArray())
            ?? throw new InvalidDataException("The screenshot bytes are not a decodable image.");
        using var scaled = source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new InvalidOperationException("Resizing the screenshot failed.");
        using var image = SKImage.FromBitmap(scaled);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return new Screenshot(png.ToArray(), "image/png", width, height);
    }

    /// <summary>The screenshot as a Microsoft.Extensions.AI image part.</summary>
    public DataContent ToDataContent() => new(Data, MediaType);

    /// <summary>The screenshot as a <c>data:</c> URI.</summary>
    public string ToDataUri() => $"data:{MediaType};base64,{Convert.ToBase64String(Data.Span)}";
}
