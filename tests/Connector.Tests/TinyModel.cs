using Glm4vSK.LocalEngine.Testing;

namespace Glm4vSK.Connector.Tests;

/// <summary>A tiny random GLM-4V checkpoint with a tokenizer (written once per test run), and a folder with a PNG in it.</summary>
public sealed class TinyModel : IDisposable
{
    public TinyModel()
    {
        Root = Path.Combine(Path.GetTempPath(), "glm4vsk-connector-tests", "tiny-" + Guid.NewGuid().ToString("N")[..8]);
        Dir = TinyCheckpoint.Write(Path.Combine(Root, "model"), TinyCheckpoint.FixtureShapedConfig());
        TinyCheckpoint.WritePreprocessorConfig(Dir);
        TinyTokenizer.Write(Dir);
        Photos = Path.Combine(Root, "photos");
        Directory.CreateDirectory(Photos);
        File.WriteAllBytes(Path.Combine(Photos, "gradient.png"), Images.Png());
    }

    public string Root { get; }
    /// <summary>The model directory.</summary>
    public string Dir { get; }
    /// <summary>A directory holding <c>gradient.png</c>.</summary>
    public string Photos { get; }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class Images
{
    /// <summary>A 40×30 PNG gradient.</summary>
    public static byte[] Png()
    {
        using var bmp = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(40, 30, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul));
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) bmp.SetPixel(x, y, new SkiaSharp.SKColor((byte)(x * 6), (byte)(y * 8), (byte)(x + y)));
        using var img = SkiaSharp.SKImage.FromBitmap(bmp);
        return img.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).ToArray();
    }
}
