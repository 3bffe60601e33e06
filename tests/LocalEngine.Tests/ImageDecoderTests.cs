using System.Runtime.InteropServices;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Tests.Support;
using SkiaSharp;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// <see cref="ImageDecoder"/>: formats, unpremultiplied alpha dropped, EXIF orientation applied, and a typed
/// <see cref="InvalidMediaException"/> (never a crash) for every bad input.
/// </summary>
public sealed class ImageDecoderTests
{
    static byte[] Noise(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    static byte[] Encode(int width, int height, byte[] rgba, Func<SKPixmap, SKData> encode)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bmp = new SKBitmap(info);
        Marshal.Copy(rgba, 0, bmp.GetPixels(), rgba.Length);
        using var pix = bmp.PeekPixels();
        using var data = encode(pix);
        return data.ToArray();
    }

    static byte[] Opaque(byte[] rgb)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        for (int i = 0; i < rgb.Length / 3; i++)
        {
            rgba[4 * i] = rgb[3 * i];
            rgba[4 * i + 1] = rgb[3 * i + 1];
            rgba[4 * i + 2] = rgb[3 * i + 2];
            rgba[4 * i + 3] = 255;
        }
        return rgba;
    }

    static byte[] Jpeg(int width, int height, byte[] rgb, int quality = 100) =>
        Encode(width, height, Opaque(rgb), p => p.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore))!);

    public static TheoryData<string> BadInputs() => new(BadInput.Keys.Order(StringComparer.Ordinal));

    static readonly Dictionary<string, Func<byte[]>> BadInput = new()
    {
        ["empty"] = () => [],
        ["garbage"] = () => Noise(1000, 1),
        ["five_bytes"] = () => [1, 2, 3, 4, 5],
        ["zeros"] = () => new byte[64],
        ["pdf"] = () => "%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"u8.ToArray(),
        ["svg"] = () => "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>"u8.ToArray(),
        ["png_signature_then_garbage"] = () => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Noise(200, 2)],
        ["png_truncated"] = () => { var p = TestImages.Png(64, 64, 3, Noise(64 * 64 * 3, 3)); return p[..(p.Length * 6 / 10)]; },
        ["png_header_only"] = () => TestImages.Png(8, 8, 3, new byte[192])[..33],
        ["png_bad_crc"] = () => { var p = TestImages.Png(8, 8, 3, new byte[192]); p[29] ^= 0xFF; return p; },
        ["png_0x0"] = () => TestImages.PngHeaderOnly(0, 0),
        ["png_0x10"] = () => TestImages.PngHeaderOnly(0, 10),
        ["png_30000x30000_bomb"] = () => TestImages.PngHeaderOnly(30000, 30000),
        ["jpeg_truncated"] = () => { var j = Jpeg(64, 64, Noise(64 * 64 * 3, 4)); return j[..(j.Length / 2)]; },
        ["jpeg_soi_only"] = () => [0xFF, 0xD8, 0xFF],
        ["gif_truncated"] = () => TestImages.RedPixelGif()[..20],
        ["bmp_header_only"] = () => TestImages.Bmp(4, 4, new byte[48])[..30],
    };

    [Theory, MemberData(nameof(BadInputs))]
    public void Bad_input_is_a_typed_error(string input)
    {
        var bytes = BadInput[input]();
        var e = Assert.Throws<InvalidMediaException>(() => ImageDecoder.Decode(bytes, mediaType: "image/test"));
        Assert.Equal("image/test", e.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        using var s = new MemoryStream(bytes);
        Assert.Throws<InvalidMediaException>(() => ImageDecoder.Decode(s));
    }

    [Fact]
    public void Decompression_bomb_is_refused_from_the_header()
    {
        var bomb = TestImages.PngHeaderOnly(30000, 30000);
        Assert.True(bomb.Length < 10_000);
        Assert.Equal((30000, 30000), ImageDecoder.ReadSize(bomb));
        var e = Assert.Throws<InvalidMediaException>(() => ImageDecoder.Decode(bomb));
        Assert.Contains("too large", e.Message);
        Assert.Contains("30000x30000", e.Message);
    }

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        var png = TestImages.Png(64, 64, 3, Noise(64 * 64 * 3, 5));
        Assert.Throws<InvalidMediaException>(() => ImageDecoder.Decode(png, maxPixels: 64 * 64 - 1));
        Assert.Equal(64, ImageDecoder.Decode(png, maxPixels: 64 * 64).Width);
    }

    [Theory]
    [InlineData(1, 50000)]
    [InlineData(50000, 1)]
    [InlineData(3, 700)]
    public void Too_elongated_image_is_a_typed_error(int width, int height)
    {
        var img = ImageDecoder.Decode(TestImages.Png(width, height, 3, new byte[width * height * 3]));
        Assert.Equal((width, height), (img.Width, img.Height));
        var e = Assert.Throws<InvalidMediaException>(() => new ImageProcessor().Process(img));
        Assert.Contains("elongated", e.Message);
    }

    [Fact]
    public void Png_rgb_is_exact()
    {
        var rgb = Noise(17 * 9 * 3, 6);
        var img = ImageDecoder.Decode(TestImages.Png(17, 9, 3, rgb));
        Assert.Equal((17, 9), (img.Width, img.Height));
        Assert.Equal(rgb, img.Pixels.ToArray());
    }

    [Fact]
    public void Png_rgba_keeps_stored_colour_and_drops_alpha()
    {
        byte[] rgba =
        [
            200, 100, 50, 0,    10, 20, 30, 128,
            255, 255, 255, 255, 1, 2, 3, 0,
            90, 180, 240, 1,    7, 8, 9, 254,
        ];
        var img = ImageDecoder.Decode(TestImages.Png(2, 3, 4, rgba));
        byte[] expected = [200, 100, 50, 10, 20, 30, 255, 255, 255, 1, 2, 3, 90, 180, 240, 7, 8, 9];
        Assert.Equal(expected, img.Pixels.ToArray());
    }

    [Fact]
    public void Bmp_and_lossless_webp_are_exact()
    {
        var rgb = Noise(13 * 7 * 3, 7);
        Assert.Equal(rgb, ImageDecoder.Decode(TestImages.Bmp(13, 7, rgb)).Pixels.ToArray());
        var webp = Encode(13, 7, Opaque(rgb), p => p.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))!);
        Assert.Equal("RIFF"u8.ToArray(), webp[..4]);
        Assert.Equal(rgb, ImageDecoder.Decode(webp).Pixels.ToArray());
    }

    [Fact]
    public void Gif_first_frame_is_decoded()
    {
        var img = ImageDecoder.Decode(TestImages.RedPixelGif());
        Assert.Equal((1, 1), (img.Width, img.Height));
        Assert.Equal(((byte)255, (byte)0, (byte)0), img[0, 0]);
    }

    [Fact]
    public void Jpeg_is_decoded_closely()
    {
        var rgb = new byte[32 * 16 * 3];
        for (int i = 0; i < rgb.Length; i += 3) (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)40, (byte)120, (byte)220);
        var img = ImageDecoder.Decode(Jpeg(32, 16, rgb));
        Assert.Equal((32, 16), (img.Width, img.Height));
        var (r, g, b) = img[10, 10];
        Assert.InRange(r, 38, 42);
        Assert.InRange(g, 118, 122);
        Assert.InRange(b, 218, 222);
    }

    // Quadrants of a 64×32 source: top-left red, top-right green, bottom-left blue, bottom-right white.
    static readonly (byte, byte, byte)[] Colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)];
    const string Names = "RGBW";

    /// <summary>Quadrant colours (TL, TR, BL, BR) of the upright image for each EXIF orientation (Pillow exif_transpose).</summary>
    [Theory]
    [InlineData(1, "RGBW")]
    [InlineData(2, "GRWB")]
    [InlineData(3, "WBGR")]
    [InlineData(4, "BWRG")]
    [InlineData(5, "RBGW")]
    [InlineData(6, "BRWG")]
    [InlineData(7, "WGBR")]
    [InlineData(8, "GWRB")]
    public void Exif_orientation_is_applied(int orientation, string expected)
    {
        const int w = 64, h = 32;
        var rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = Colours[(y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1)];
                int i = (y * w + x) * 3;
                (rgb[i], rgb[i + 1], rgb[i + 2]) = c;
            }
        var jpeg = TestImages.WithExifOrientation(Jpeg(w, h, rgb), orientation);
        bool swap = orientation >= 5;
        var (ow, oh) = swap ? (h, w) : (w, h);
        Assert.Equal((ow, oh), ImageDecoder.ReadSize(jpeg));
        var img = ImageDecoder.Decode(jpeg);
        Assert.Equal((ow, oh), (img.Width, img.Height));
        string actual = string.Concat(
            Classify(img[ow / 4, oh / 4]), Classify(img[3 * ow / 4, oh / 4]),
            Classify(img[ow / 4, 3 * oh / 4]), Classify(img[3 * ow / 4, 3 * oh / 4]));
        Assert.Equal(expected, actual);
    }

    static char Classify((byte R, byte G, byte B) p)
    {
        int best = 0, bestD = int.MaxValue;
        for (int k = 0; k < Colours.Length; k++)
        {
            var (r, g, b) = Colours[k];
            int d = (p.R - r) * (p.R - r) + (p.G - g) * (p.G - g) + (p.B - b) * (p.B - b);
            if (d < bestD) (best, bestD) = (k, d);
        }
        Assert.True(bestD < 30 * 30, $"pixel {p} is not close to any quadrant colour.");
        return Names[best];
    }
}
