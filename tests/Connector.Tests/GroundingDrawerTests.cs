using Glm4vSK.Connector.Grounding;
using Glm4vSK.Formats;
using SkiaSharp;

namespace Glm4vSK.Connector.Tests;

public sealed class GroundingDrawerTests
{
    static readonly SKColor Background = new(128, 128, 128);

    static byte[] SolidPng(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(Background);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    static SKBitmap Decode(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        return SKBitmap.Decode(png);
    }

    [Fact]
    public void Draws_rectangles_in_the_box_colour_and_renders_the_label_text()
    {
        const int width = 320, height = 240;
        var boxes = GroundingParser.Parse("<|begin_of_box|>[{\"label\": \"cat\", \"bbox_2d\": [100, 200, 600, 800]}]<|end_of_box|>", width, height).Boxes;
        byte[] png = GroundingDrawer.DrawBoxes(SolidPng(width, height), boxes);
        using var bitmap = Decode(png);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);

        var layout = GroundingDrawer.Layout(width, height, boxes, new GroundingDrawOptions()).Single();
        var colour = GroundingDrawer.Palette[0];
        // Box (32, 48)–(192, 192) px: its edges have the box colour, its inside is untouched.
        Assert.Equal(new SKRect(32, 48, 192, 192), layout.Box);
        Assert.Equal(colour, bitmap.GetPixel(32, 120));
        Assert.Equal(colour, bitmap.GetPixel(192, 120));
        Assert.Equal(colour, bitmap.GetPixel(100, 192));
        Assert.Equal(Background, bitmap.GetPixel(100, 120));

        // Label: every pixel of its area changed; it holds background (box colour) and light text pixels.
        var r = layout.LabelRect;
        Assert.True(r.Bottom <= layout.Box.Top, $"label {r} should sit above the box {layout.Box}");
        int textPixels = 0, area = 0;
        for (int y = (int)r.Top; y < (int)r.Bottom; y++)
        for (int x = (int)r.Left; x < (int)r.Right; x++)
        {
            var p = bitmap.GetPixel(x, y);
            Assert.NotEqual(Background, p);
            area++;
            if (p != colour && p.Red > colour.Red && p.Green > 200 && p.Blue > 200) textPixels++;
        }
        Assert.True(textPixels > 20, $"only {textPixels} of {area} label pixels look like text: the label was not rendered");
        Assert.True(textPixels < area / 2, $"{textPixels} of {area} label pixels are text-coloured: the background is missing");
    }

    [Fact]
    public void Boxes_without_labels_get_their_number_and_colours_cycle()
    {
        var boxes = GroundingParser.Parse("<|begin_of_box|>[[0,0,500,500],[500,500,999,999]]<|end_of_box|>", 200, 200).Boxes;
        var layout = GroundingDrawer.Layout(200, 200, boxes, new GroundingDrawOptions());
        Assert.Equal(["1", "2"], layout.Select(l => l.Text));
        Assert.Equal([GroundingDrawer.Palette[0], GroundingDrawer.Palette[1]], layout.Select(l => l.Color));
        // Label of a box at the top edge goes inside the box.
        Assert.True(layout[0].LabelRect.Top >= 0);
        using var bitmap = Decode(GroundingDrawer.DrawBoxes(SolidPng(200, 200), boxes));
        Assert.Equal(GroundingDrawer.Palette[1], bitmap.GetPixel(150, 100));
    }

    [Fact]
    public void A_font_with_glyphs_is_found()
    {
        var face = GroundingFonts.Resolve("cat 123", null);
        Assert.True(GroundingFonts.CanRender(face, "cat 123"));
    }

    [Fact]
    public void Without_the_default_typeface_a_font_file_is_used_or_a_clear_error_given()
    {
        if (GroundingFonts.Files.Count == 0)
        {
            var e = Assert.Throws<GroundingDrawingException>(() => GroundingFonts.Resolve("cat", null, useDefault: false));
            Assert.Contains("fonts-dejavu-core", e.Message);
            return;
        }
        var face = GroundingFonts.Resolve("cat", null, useDefault: false);
        Assert.True(face.GlyphCount > 0);
        Assert.True(GroundingFonts.CanRender(face, "cat"));
        Assert.NotSame(SKTypeface.Default, face);
    }

    [Fact]
    public void An_explicit_font_file_is_used()
    {
        string? file = GroundingFonts.Files.FirstOrDefault();
        Assert.SkipWhen(file is null, "no font files under /usr/share/fonts");
        var boxes = GroundingParser.Parse("[100, 200, 300, 400]", 100, 100).Boxes;
        var layout = GroundingDrawer.Layout(100, 100, boxes, new GroundingDrawOptions { FontFile = file, FontSize = 20, StrokeWidth = 3 });
        Assert.Equal(20, layout[0].FontSize);
        Assert.Equal(3, layout[0].StrokeWidth);
        Assert.True(layout[0].Typeface.GlyphCount > 0);
    }

    [Fact]
    public void Text_no_font_can_render_is_an_error_not_a_silent_drop()
    {
        var boxes = GroundingParser.Parse("<|begin_of_box|>[{\"label\": \"\U0010FFFD\", \"bbox_2d\": [1, 2, 300, 400]}]<|end_of_box|>", 100, 100).Boxes;
        var e = Assert.Throws<GroundingDrawingException>(() => GroundingDrawer.DrawBoxes(SolidPng(100, 100), boxes));
        Assert.Contains("label", e.Message);
    }

    [Fact]
    public void A_missing_font_file_is_reported()
    {
        var boxes = GroundingParser.Parse("[1, 2, 300, 400]", 100, 100).Boxes;
        var e = Assert.Throws<GroundingDrawingException>(() =>
            GroundingDrawer.DrawBoxes(SolidPng(100, 100), boxes, new GroundingDrawOptions { FontFile = "/nonexistent/font.ttf" }));
        Assert.Contains("/nonexistent/font.ttf", e.Message);
    }

    [Fact]
    public void Undecodable_images_are_reported()
    {
        Assert.Throws<GroundingDrawingException>(() => GroundingDrawer.DrawBoxes([1, 2, 3], []));
    }
}
