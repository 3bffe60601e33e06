using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// A decoded 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B (height × width × 3 bytes). Managed memory
/// only: nothing to dispose.
/// </summary>
public sealed class RgbImage
{
    readonly byte[] _pixels;

    /// <param name="pixels">height × width × 3 bytes, interleaved RGB, row-major; kept, not copied.</param>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0)
            throw new InvalidMediaException($"the image is empty ({width}x{height}).");
        if (pixels.LongLength != (long)width * height * 3)
            throw new ArgumentException($"expected {(long)width * height * 3} bytes for {width}x{height} RGB, found {pixels.LongLength}.", nameof(pixels));
        Width = width;
        Height = height;
        _pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>height × width × 3 bytes, interleaved RGB.</summary>
    public ReadOnlyMemory<byte> Pixels => _pixels;

    /// <summary>The (R, G, B) value at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) throw new ArgumentOutOfRangeException(nameof(x), $"({x}, {y}) is outside {Width}x{Height}.");
            long i = ((long)y * Width + x) * 3;
            return (_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    /// <summary>A new contiguous uint8 tensor [3, H, W] (channels first); the caller owns it.</summary>
    public Tensor ToTensor()
    {
        var chw = empty([3, Height, Width], ScalarType.Byte);
        int n = Width * Height;
        var dst = chw.bytes;
        var r = dst[..n];
        var g = dst.Slice(n, n);
        var b = dst.Slice(2 * n, n);
        ReadOnlySpan<byte> src = _pixels;
        for (int i = 0, s = 0; i < n; i++, s += 3)
        {
            r[i] = src[s];
            g[i] = src[s + 1];
            b[i] = src[s + 2];
        }
        return chw;
    }

    /// <summary>An image from a uint8 tensor [3, H, W] (channels first), copied.</summary>
    public static RgbImage FromTensor(Tensor chw)
    {
        ArgumentNullException.ThrowIfNull(chw);
        if (chw.dtype != ScalarType.Byte || chw.dim() != 3 || chw.shape[0] != 3)
            throw new ArgumentException($"expected a uint8 tensor [3, H, W], found {chw.dtype} [{string.Join(", ", chw.shape)}].", nameof(chw));
        using var scope = NewDisposeScope();
        var hwc = chw.cpu().permute(1, 2, 0).contiguous();
        return new RgbImage((int)chw.shape[2], (int)chw.shape[1], hwc.data<byte>().ToArray());
    }
}
