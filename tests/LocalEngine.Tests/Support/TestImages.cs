using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Glm4vSK.LocalEngine.Tests.Support;

/// <summary>Hand-built encoded images for decoder tests: PNG (any IHDR), BMP, and JPEG EXIF orientation patching.</summary>
public static class TestImages
{
    /// <summary>An 8-bit PNG, RGB (3 channels) or RGBA (4), from interleaved row-major pixels.</summary>
    public static byte[] Png(int width, int height, int channels, byte[] pixels)
    {
        if (pixels.Length != width * height * channels) throw new ArgumentException("pixel count mismatch");
        var raw = new byte[height * (1 + width * channels)];
        for (int y = 0; y < height; y++)
            Array.Copy(pixels, y * width * channels, raw, y * (1 + width * channels) + 1, width * channels); // filter 0
        return PngChunks(width, height, channels == 4 ? (byte)6 : (byte)2, Deflate(raw));
    }

    /// <summary>
    /// A well-formed PNG header claiming <paramref name="width"/> × <paramref name="height"/> RGB, followed by a small
    /// IDAT holding only the first row: enough for a codec to read the size, far too little to decode.
    /// </summary>
    public static byte[] PngHeaderOnly(int width, int height) =>
        PngChunks(width, height, 2, Deflate(new byte[Math.Min(1 + (long)width * 3, 1 << 20)]));

    static byte[] PngChunks(int width, int height, byte colorType, byte[] idat)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = colorType;
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", idat);
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32(typeAndData));
        s.Write(len);
    }

    static byte[] Deflate(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw);
        return ms.ToArray();
    }

    static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A 24-bit bottom-up BMP from interleaved RGB pixels.</summary>
    public static byte[] Bmp(int width, int height, byte[] rgb)
    {
        int stride = (width * 3 + 3) & ~3;
        var b = new byte[54 + stride * height];
        b[0] = (byte)'B'; b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), b.Length);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int s = (y * width + x) * 3, d = 54 + (height - 1 - y) * stride + x * 3;
                b[d] = rgb[s + 2]; b[d + 1] = rgb[s + 1]; b[d + 2] = rgb[s]; // BGR
            }
        return b;
    }

    /// <summary>A 1×1 GIF whose only pixel is palette entry 0 = pure red.</summary>
    public static byte[] RedPixelGif() =>
    [
        (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 1, 0, 1, 0, 0x80, 0, 0,
        0xFF, 0, 0, 0, 0, 0,                                   // palette: red, black
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0,                       // image descriptor
        2, 2, 0x44, 0x01, 0,                                   // LZW min code size 2, one 2-byte block
        0x3B,
    ];

    /// <summary>A JPEG with an APP1 EXIF segment carrying only the Orientation tag, inserted after SOI (and APP0 if any).</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        if (jpeg[0] != 0xFF || jpeg[1] != 0xD8) throw new ArgumentException("not a JPEG");
        int at = 2;
        if (jpeg[2] == 0xFF && jpeg[3] == 0xE0) at = 4 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));
        var tiff = new byte[26];
        tiff[0] = (byte)'I'; tiff[1] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);        // IFD0 offset
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1);        // one entry
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x0112);  // Orientation
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 3);       // SHORT
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 1);       // count
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(18), (ushort)orientation);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(22), 0);       // no next IFD
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var seg = new byte[4 + payload.Length];
        seg[0] = 0xFF; seg[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(seg.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(seg, 4);
        return jpeg[..at].Concat(seg).Concat(jpeg[at..]).ToArray();
    }
}
