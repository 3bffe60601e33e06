using Glm4vSK.LocalEngine.Processing;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// <see cref="ImageProcessor"/> beyond the fixtures: per-request pixel limits, the fused normalisation, temporal
/// duplication, video padding and grouping, typed errors, and no leaked temporaries.
/// </summary>
public sealed class ImageProcessorTests
{
    static RgbImage Noise(int width, int height, int seed)
    {
        var b = new byte[width * height * 3];
        new Random(seed).NextBytes(b);
        return new RgbImage(width, height, b);
    }

    static RgbImage Solid(int width, int height, byte r, byte g, byte b)
    {
        var p = new byte[width * height * 3];
        for (int i = 0; i < p.Length; i += 3) (p[i], p[i + 1], p[i + 2]) = (r, g, b);
        return new RgbImage(width, height, p);
    }

    static void AssertEqual(string what, Tensor a, Tensor b) => TensorAssert.Close(what, a, b, 0, 0);

    [Fact]
    public void Per_request_limits_replace_the_configured_ones()
    {
        var p = new ImageProcessor();
        var img = Noise(333, 517, 1);
        using var scope = NewDisposeScope();
        using var small = p.Process(img, maxPixels: 2 * 28 * 28 * 6);
        var (h, w) = SmartResize.Compute(2, 517, 333, 28, 12544, 2 * 28 * 28 * 6);
        Assert.Equal(new GridThw(1, h / 14, w / 14), small.Grid);
        Assert.Equal(new long[] { small.Grid.PatchCount, 1176 }, small.PixelValues.shape);

        using var big = p.Process(Noise(40, 30, 2), minPixels: 2 * 280 * 280);
        Assert.Equal(new GridThw(1, 18, 24), big.Grid); // β = sqrt(156800 / 2400): ceil(30β/28)·28 = 252, ceil(40β/28)·28 = 336
        Assert.Equal((252, 336), p.TargetSize(30, 40, minPixels: 2 * 280 * 280));
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Process(img, maxPixels: 0));
    }

    [Fact]
    public void Normalisation_is_fused_in_float32_and_the_frame_is_repeated()
    {
        var p = new ImageProcessor();
        using var scope = NewDisposeScope();
        using var r = p.Process(Solid(56, 56, 10, 128, 250), minPixels: 1); // 56x56: no resize
        Assert.Equal(new GridThw(1, 4, 4), r.Grid);
        byte[] px = [10, 128, 250];
        var rows = r.PixelValues.view(16, 3, 2, 196);
        for (int c = 0; c < 3; c++)
        {
            float m = (float)PreprocessorConfig.ClipMean[c] * (float)(1.0 / (1 / 255.0));
            float s = (float)PreprocessorConfig.ClipStd[c] * (float)(1.0 / (1 / 255.0));
            float expected = (px[c] - m) / s;
            var ch = rows[.., c];
            Assert.Equal(expected, ch.min().item<float>());
            Assert.Equal(expected, ch.max().item<float>());
        }
        using var n = p.Process(Noise(112, 84, 3));
        var v = n.PixelValues.view(-1, 3, 2, 196);
        AssertEqual("T copies", v[.., .., 0], v[.., .., 1]);
    }

    [Fact]
    public void Rows_follow_the_merge_block_order()
    {
        // Each 14x14 patch gets a distinct colour: R = patch row, G = patch column.
        const int gh = 4, gw = 6;
        var pix = new byte[gh * 14 * gw * 14 * 3];
        for (int y = 0; y < gh * 14; y++)
            for (int x = 0; x < gw * 14; x++)
            {
                int i = (y * gw * 14 + x) * 3;
                (pix[i], pix[i + 1], pix[i + 2]) = ((byte)(y / 14 * 40), (byte)(x / 14 * 40), 7);
            }
        var p = new ImageProcessor(PreprocessorConfig.Default with { DoNormalize = false, DoRescale = false });
        using var scope = NewDisposeScope();
        using var r = p.Process(new RgbImage(gw * 14, gh * 14, pix), minPixels: 1);
        Assert.Equal(new GridThw(1, gh, gw), r.Grid);
        int row = 0;
        for (int br = 0; br < gh / 2; br++)
            for (int bc = 0; bc < gw / 2; bc++)
                for (int dy = 0; dy < 2; dy++)
                    for (int dx = 0; dx < 2; dx++, row++)
                    {
                        var v = r.PixelValues[row].view(3, 2, 14, 14);
                        Assert.Equal((2 * br + dy) * 40f, v[0].min().item<float>());
                        Assert.Equal((2 * br + dy) * 40f, v[0].max().item<float>());
                        Assert.Equal((2 * bc + dx) * 40f, v[1].max().item<float>());
                        Assert.Equal(7f, v[2].min().item<float>());
                    }
    }

    [Fact]
    public void Video_pairs_frames_and_pads_an_odd_count()
    {
        var p = new ImageProcessor();
        var f = Enumerable.Range(0, 3).Select(i => Noise(90, 60, 10 + i)).ToList();
        using var scope = NewDisposeScope();
        using var three = p.ProcessVideo(f);
        using var four = p.ProcessVideo([.. f, f[2]]);
        Assert.Equal(new GridThw(2, 4, 6), three.Grid);
        AssertEqual("3 frames padded vs last frame repeated", three.PixelValues, four.PixelValues);
        var groups = three.PixelValues.view(2, 24, 3, 2, 196);
        AssertEqual("padded group", groups[1, .., .., 0], groups[1, .., .., 1]);

        // A two-frame video of one image equals the image (the budget does not bind here).
        using var image = p.Process(f[0]);
        using var video = p.ProcessVideo([f[0], f[0]]);
        Assert.Equal(image.Grid, video.Grid);
        AssertEqual("image vs 2-frame video", image.PixelValues, video.PixelValues);
    }

    [Fact]
    public void Bad_videos_are_typed_errors()
    {
        var p = new ImageProcessor();
        Assert.Throws<InvalidMediaException>(() => p.ProcessVideo([]));
        Assert.Throws<InvalidMediaException>(() => p.ProcessVideo([Noise(90, 60, 1)]));
        Assert.Throws<InvalidMediaException>(() => p.ProcessVideo([Noise(90, 60, 1), Noise(60, 90, 2)]));
        Assert.Throws<InvalidMediaException>(() => p.ProcessVideo([Noise(1, 300, 1), Noise(1, 300, 2)]));
    }

    [Fact]
    public void Without_resize_sides_must_be_multiples_of_the_factor()
    {
        var p = new ImageProcessor(PreprocessorConfig.Default with { DoResize = false });
        Assert.Throws<InvalidMediaException>(() => p.Process(Noise(100, 56, 1)));
        using var r = p.Process(Noise(112, 56, 1));
        Assert.Equal(new GridThw(1, 4, 8), r.Grid);
    }

    [Fact]
    public void Temporaries_are_disposed()
    {
        var p = new ImageProcessor();
        // Only the result stays registered in the caller's scope (disposed results leave it).
        using var scope = NewDisposeScope();
        using (var r = p.Process(Noise(200, 150, 1))) Assert.Equal(1, scope.DisposablesCount);
        using (var v = p.ProcessVideo([Noise(90, 60, 1), Noise(90, 60, 2), Noise(90, 60, 3)])) Assert.Equal(1, scope.DisposablesCount);
        using (var b = p.ProcessImages([Noise(50, 50, 1), Noise(70, 120, 2)]))
        {
            Assert.Equal([new GridThw(1, 6, 6), new GridThw(1, 8, 4)], b.Grids);
            Assert.Equal(1, scope.DisposablesCount);
        }
        using var resized = p.Resize(Noise(200, 150, 1));
        Assert.Equal(1, scope.DisposablesCount);
    }

    [Fact]
    public void Rgb_image_round_trips_through_a_tensor()
    {
        var img = Noise(7, 5, 4);
        using var t = img.ToTensor();
        Assert.Equal(new long[] { 3, 5, 7 }, t.shape);
        Assert.Equal(img[3, 2].G, t[1, 2, 3].item<byte>());
        Assert.Equal(img.Pixels.ToArray(), RgbImage.FromTensor(t).Pixels.ToArray());
        Assert.Throws<InvalidMediaException>(() => new RgbImage(0, 5, []));
    }
}
