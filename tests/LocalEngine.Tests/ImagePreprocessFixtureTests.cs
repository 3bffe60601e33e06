using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Tests.Fixtures;
using Glm4vSK.LocalEngine.Tests.Support;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// Preprocessing against the fixtures: one row per preprocess item (decode, smart_resize, native uint8
/// resize, normalise, patchify, with the item's own <c>processor</c> settings), and one row per model case with input
/// PNGs (its <c>pixel_values</c> / <c>pixel_values_videos</c> and grids, with the model dir's preprocessor_config.json).
/// </summary>
[Collection(LargeImageCollection.Name)]
public sealed class ImagePreprocessFixtureTests
{
    public static TheoryData<string> Items() => new(PreprocessItem.DiscoverNames());
    public static TheoryData<string> MediaCases() => new(CaseMedia.DiscoverCaseIds());

    [Fact]
    public void Fixture_root_yields_preprocess_items_and_media_cases()
    {
        Assert.NotEmpty(PreprocessItem.DiscoverNames());
        Assert.NotEmpty(CaseMedia.DiscoverCaseIds());
    }

    [Theory, MemberData(nameof(Items))]
    public void Preprocess_item_matches(string item)
    {
        using var it = PreprocessItem.Open(item);
        using var scope = NewDisposeScope();
        var processor = new ImageProcessor(PreprocessorConfig.Parse(it.ProcessorJson, $"{item}.json processor"));
        var image = ImageDecoder.Decode(File.ReadAllBytes(it.PngPath));
        Assert.Equal(it.Json["input_width"]!.GetValue<int>(), image.Width);
        Assert.Equal(it.Json["input_height"]!.GetValue<int>(), image.Height);

        // Sizes and grid: exact.
        var (h, w) = processor.TargetSize(image.Height, image.Width);
        Assert.Equal((it.Json["resized_height"]!.GetValue<int>(), it.Json["resized_width"]!.GetValue<int>()), (h, w));
        // Native-path uint8 resize: exact.
        var resized = processor.Resize(image);
        Assert.Equal(new long[] { 3, h, w }, resized.shape);
        using var patches = processor.ProcessResized(resized);
        TensorAssert.Equal("image_grid_thw", it.Tensor("image_grid_thw").data<long>().ToArray(), patches.Grid.ToArray());
        if (it.Has("resized_uint8"))
            TensorAssert.Close("resized_uint8", resized, it.Tensor("resized_uint8"), 0, 0);
        else
        {
            var crops = it.Tensor("resized_uint8_crops");
            var origins = it.Tensor("resized_uint8_crop_origins").data<long>().ToArray();
            long c = Math.Min(48, Math.Min(h, w));
            Assert.Equal(c, crops.shape[^1]);
            for (int k = 0; k < crops.shape[0]; k++)
            {
                long y = origins[2 * k], x = origins[2 * k + 1];
                TensorAssert.Close($"resized_uint8_crops[{k}] at [y={y}, x={x}]",
                    resized.narrow(1, y, c).narrow(2, x, c), crops[k], 0, 0);
            }
        }
        if (it.Has("resized_uint8_stats"))
            TensorAssert.Close("resized_uint8_stats", Stats(resized), it.Tensor("resized_uint8_stats"), 0, it.Tolerance("stats", "rtol", 1e-6));

        // Pixel rows.
        double atol = it.Tolerance("pixel_values", "atol", 1e-5);
        var pv = patches.PixelValues;
        Assert.Equal(ScalarType.Float32, pv.dtype);
        Assert.Equal(new long[] { patches.Grid.PatchCount, 1176 }, pv.shape);
        if (it.Has("pixel_values"))
            TensorAssert.Close("pixel_values", pv, it.Tensor("pixel_values"), atol, 0);
        else
        {
            var rows = it.Tensor("pixel_values_rows");
            TensorAssert.Close("pixel_values_subset", pv.index_select(0, rows), it.Tensor("pixel_values_subset"), atol, 0);
        }
        if (it.Has("pixel_values_stats"))
            TensorAssert.Close("pixel_values_stats", Stats(pv), it.Tensor("pixel_values_stats"), 0, it.Tolerance("stats", "rtol", 1e-6));
    }

    [Theory, MemberData(nameof(MediaCases))]
    public void Model_case_pixel_values_match(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        using var scope = NewDisposeScope();
        var media = CaseMedia.Find(c.ModelDir, c.Name);
        var processor = ImageProcessor.Load(c.ModelDir);
        var (atol, _) = c.Tolerance("pixel_values", 1e-6, 0);

        if (media.Images.Count > 0)
        {
            Assert.True(c.Has("pixel_values"), $"{caseId} has image PNGs but no pixel_values.");
            using var p = processor.ProcessImages(media.Images.Select(f => ImageDecoder.Decode(File.ReadAllBytes(f))).ToList());
            AssertGrids("image_grid_thw", c.Grids("image_grid_thw"), p.Grids);
            TensorAssert.Close("pixel_values", p.PixelValues, c.Tensor("pixel_values"), atol, 0);
        }
        else Assert.False(c.Has("pixel_values"), $"{caseId} has pixel_values but no image PNGs.");

        if (media.Videos.Count > 0)
        {
            Assert.True(c.Has("pixel_values_videos"), $"{caseId} has video frame PNGs but no pixel_values_videos.");
            var parts = media.Videos.Select(frames => processor.ProcessVideo(frames.Select(f => ImageDecoder.Decode(File.ReadAllBytes(f))).ToList())).ToList();
            using var p = PixelPatches.Concat(parts);
            foreach (var part in parts) part.Dispose();
            AssertGrids("video_grid_thw", c.Grids("video_grid_thw"), p.Grids);
            var (vatol, _) = c.Tolerance("pixel_values_videos", atol, 0);
            TensorAssert.Close("pixel_values_videos", p.PixelValues, c.Tensor("pixel_values_videos"), vatol, 0);
        }
        else Assert.False(c.Has("pixel_values_videos"), $"{caseId} has pixel_values_videos but no video frame PNGs.");
    }

    static void AssertGrids(string what, IReadOnlyList<GridThw> expected, IReadOnlyList<GridThw> actual) =>
        Assert.True(expected.SequenceEqual(actual),
            $"{what}: expected [{string.Join(", ", expected)}], actual [{string.Join(", ", actual)}] (exact).");

    /// <summary>[sum, sum |x|, sum x², min, max] in float64 over the whole tensor (the fixtures' stats layout).</summary>
    static Tensor Stats(Tensor t)
    {
        using var c = t.cpu().contiguous();
        double sum = 0, sumAbs = 0, sumSq = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        void Add(double x)
        {
            sum += x;
            sumAbs += Math.Abs(x);
            sumSq += x * x;
            if (x < min) min = x;
            if (x > max) max = x;
        }
        if (c.dtype == ScalarType.Byte) foreach (byte b in c.bytes) Add(b);
        else if (c.dtype == ScalarType.Float32) foreach (float f in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(c.bytes)) Add(f);
        else throw new ArgumentException($"stats of {c.dtype} are not implemented.");
        return tensor(new[] { sum, sumAbs, sumSq, min, max });
    }
}
