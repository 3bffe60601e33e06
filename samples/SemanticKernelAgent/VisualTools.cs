using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Glm4vSK.Samples.Shared;
using SkiaSharp;

namespace Glm4vSK.Samples.SemanticKernelAgent;

/// <summary>
/// A plugin whose functions return pictures. Invoked through the kernel (by SK's auto function calling, or as
/// AIFunctions by an agent), the returned image reaches the GLM-4V client, which puts it into the model's observation
/// turn as real image tokens, so the model looks at what the tool drew (or cut out) before it answers.
/// </summary>
public sealed class VisualTools(byte[]? photo, string? saveDirectory)
{
    int _saved;

    [KernelFunction("render_bar_chart")]
    [Description("Draws a bar chart and returns it as a picture you can look at. Use it to visualise numbers before comparing them.")]
    public ImageContent RenderBarChart(
        [Description("Chart title")] string title,
        [Description("Comma-separated bar labels, e.g. \"Q1,Q2,Q3,Q4\"")] string labels,
        [Description("Comma-separated numbers, one per label, e.g. \"12,18,9,21\"")] string values)
    {
        var names = labels.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var numbers = values.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0).ToArray();
        int n = Math.Max(1, Math.Min(names.Length, numbers.Length));
        const int width = 640, height = 420, margin = 50, top = 60;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 2, IsAntialias = true };
        canvas.DrawLine(margin, height - margin, width - margin / 2, height - margin, axis);
        canvas.DrawLine(margin, top, margin, height - margin, axis);

        var face = Typeface();
        using var font = new SKFont(face ?? SKTypeface.Default, 18);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        if (face is not null) canvas.DrawText(title, width / 2f, 36, SKTextAlign.Center, font, ink);

        double max = Math.Max(1e-9, numbers.Take(n).DefaultIfEmpty(1).Max());
        float slot = (width - margin * 1.5f) / n;
        SKColor[] colors = [new(0x4e, 0x79, 0xa7), new(0xf2, 0x8e, 0x2b), new(0xe1, 0x57, 0x59), new(0x76, 0xb7, 0xb2), new(0x59, 0xa1, 0x4f)];
        for (int i = 0; i < n; i++)
        {
            float barHeight = (float)(numbers[i] / max * (height - margin - top));
            float x = margin + i * slot + slot * 0.15f;
            using var fill = new SKPaint { Color = colors[i % colors.Length], IsAntialias = true };
            canvas.DrawRect(x, height - margin - barHeight, slot * 0.7f, barHeight, fill);
            if (face is null) continue;
            canvas.DrawText(names[i], x + slot * 0.35f, height - margin + 24, SKTextAlign.Center, font, ink);
            canvas.DrawText(numbers[i].ToString(CultureInfo.InvariantCulture), x + slot * 0.35f, height - margin - barHeight - 8, SKTextAlign.Center, font, ink);
        }
        using var image = surface.Snapshot();
        byte[] png = image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
        Save(png, "chart");
        return new ImageContent(png, "image/png"); // Semantic Kernel's own image type: the connector converts it
    }

    [KernelFunction("crop_image")]
    [Description("Cuts a region out of the user's photo and returns it enlarged, to look at details. Coordinates are in the 0-1000 range of the photo's width and height.")]
    public DataContent CropImage(
        [Description("left edge, 0-1000")] int x1, [Description("top edge, 0-1000")] int y1,
        [Description("right edge, 0-1000")] int x2, [Description("bottom edge, 0-1000")] int y2)
    {
        if (photo is null) throw new InvalidOperationException("No photo was given (--image).");
        byte[] png = PngCrop.Crop(photo, x1, y1, x2, y2);
        Save(png, "crop");
        return new DataContent(png, "image/png"); // Microsoft.Extensions.AI's image type: passed through as it is
    }

    void Save(byte[] png, string name)
    {
        if (saveDirectory is null) return;
        Directory.CreateDirectory(saveDirectory);
        string path = Path.Combine(saveDirectory, $"{++_saved:00}-{name}.png");
        File.WriteAllBytes(path, png);
        Console.Error.WriteLine($"  (saved {path})");
    }

    /// <summary>A typeface with glyphs: SkiaSharp's default, else a common font file (the Linux build may lack fontconfig).</summary>
    static SKTypeface? Typeface()
    {
        if (SKTypeface.Default.GlyphCount > 0) return SKTypeface.Default;
        foreach (string dir in new[] { "/usr/share/fonts", "/usr/local/share/fonts" }.Where(Directory.Exists))
            foreach (string name in new[] { "DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "FreeSans.ttf" })
                if (Directory.EnumerateFiles(dir, name, SearchOption.AllDirectories).FirstOrDefault() is { } file && SKTypeface.FromFile(file) is { GlyphCount: > 0 } face)
                    return face;
        return null;
    }
}
