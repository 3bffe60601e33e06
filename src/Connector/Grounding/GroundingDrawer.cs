using Glm4vSK.Formats;
using SkiaSharp;

namespace Glm4vSK.Connector.Grounding;

/// <summary>Draws grounding boxes with their labels onto an image (SkiaSharp).</summary>
public static class GroundingDrawer
{
    /// <summary>Box colours, used in turn (box i gets <c>Palette[i % Palette.Count]</c>).</summary>
    public static IReadOnlyList<SKColor> Palette { get; } =
    [
        new SKColor(230, 25, 75), new SKColor(60, 180, 75), new SKColor(0, 130, 200), new SKColor(245, 130, 48),
        new SKColor(145, 30, 180), new SKColor(240, 50, 230), new SKColor(0, 128, 128), new SKColor(128, 0, 0),
    ];

    /// <summary>The colour of label text (drawn on a box-coloured background).</summary>
    public static SKColor LabelTextColor { get; } = SKColors.White;

    /// <summary>
    /// Decodes <paramref name="imageBytes"/> (any format SkiaSharp reads), draws each box as a rectangle with its label
    /// (or its 1-based number when it has none) and returns a PNG. Boxes are placed from their
    /// <see cref="GroundingBox.Normalized"/> coordinates on the decoded image's own size, so they fit even when the boxes
    /// were parsed for another size of the same image.
    /// </summary>
    /// <exception cref="GroundingDrawingException">The image cannot be decoded, or no font can render a label.</exception>
    public static byte[] DrawBoxes(byte[] imageBytes, IReadOnlyList<GroundingBox> boxes, GroundingDrawOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(imageBytes);
        ArgumentNullException.ThrowIfNull(boxes);
        options ??= new GroundingDrawOptions();
        using var data = SKData.CreateCopy(imageBytes);
        using var codec = SKCodec.Create(data) ?? throw new GroundingDrawingException("The image could not be decoded (unknown or corrupt format).");
        using var source = SKBitmap.Decode(codec) ?? throw new GroundingDrawingException("The image could not be decoded.");
        var info = new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new GroundingDrawingException($"Cannot create a {source.Width}x{source.Height} drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Transparent);
        canvas.DrawBitmap(source, 0, 0);

        var layout = Layout(source.Width, source.Height, boxes, options);
        for (int i = 0; i < layout.Count; i++)
        {
            var item = layout[i];
            using var stroke = new SKPaint { Color = item.Color, Style = SKPaintStyle.Stroke, StrokeWidth = item.StrokeWidth, IsAntialias = false };
            canvas.DrawRect(item.Box, stroke);
            using var fill = new SKPaint { Color = item.Color, Style = SKPaintStyle.Fill, IsAntialias = false };
            canvas.DrawRect(item.LabelRect, fill);
            using var font = new SKFont(item.Typeface, item.FontSize) { Edging = SKFontEdging.Antialias };
            using var textPaint = new SKPaint { Color = LabelTextColor, IsAntialias = true };
            canvas.DrawText(item.Text, item.TextOrigin.X, item.TextOrigin.Y, SKTextAlign.Left, font, textPaint);
        }
        canvas.Flush();
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100) ?? throw new GroundingDrawingException("PNG encoding failed.");
        return png.ToArray();
    }

    /// <summary>Where one box and its label go.</summary>
    internal sealed record BoxLayout(SKRect Box, SKColor Color, float StrokeWidth, string Text, SKTypeface Typeface, float FontSize, SKRect LabelRect, SKPoint TextOrigin);

    /// <summary>Rectangles, colours and label placement (above the box's top-left corner, inside it when there is no room).</summary>
    internal static IReadOnlyList<BoxLayout> Layout(int width, int height, IReadOnlyList<GroundingBox> boxes, GroundingDrawOptions options)
    {
        float shortSide = Math.Min(width, height);
        float strokeWidth = options.StrokeWidth ?? Math.Max(2f, MathF.Round(shortSide / 250f));
        float fontSize = options.FontSize ?? Math.Max(12f, MathF.Round(shortSide / 30f));
        float pad = Math.Max(2f, MathF.Round(fontSize / 6f));
        var result = new List<BoxLayout>(boxes.Count);
        for (int i = 0; i < boxes.Count; i++)
        {
            var n = boxes[i].Normalized;
            var px = GroundingParser.ToPixels(n, width, height);
            var rect = new SKRect((float)px.Left, (float)px.Top, (float)px.Right, (float)px.Bottom);
            string text = Printable(boxes[i].Label) ?? (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var typeface = GroundingFonts.Resolve(text, options.FontFile);
            using var font = new SKFont(typeface, fontSize);
            float textWidth = font.MeasureText(text);
            var metrics = font.Metrics;
            float labelHeight = MathF.Ceiling(metrics.Descent - metrics.Ascent + 2 * pad);
            float labelWidth = MathF.Ceiling(textWidth + 2 * pad);
            float left = Math.Clamp(MathF.Floor(rect.Left - strokeWidth / 2), 0, Math.Max(0, width - labelWidth));
            float top = rect.Top - strokeWidth / 2 - labelHeight;
            if (top < 0) top = rect.Top + strokeWidth / 2; // no room above: inside the box
            top = Math.Clamp(MathF.Floor(top), 0, Math.Max(0, height - labelHeight));
            var labelRect = new SKRect(left, top, left + labelWidth, top + labelHeight);
            var origin = new SKPoint(left + pad, top + pad - metrics.Ascent);
            result.Add(new BoxLayout(rect, Palette[i % Palette.Count], strokeWidth, text, typeface, fontSize, labelRect, origin));
        }
        return result;
    }

    static string? Printable(string? label)
    {
        if (label is null) return null;
        var chars = label.Select(c => char.IsControl(c) ? ' ' : c).ToArray();
        return new string(chars);
    }
}
