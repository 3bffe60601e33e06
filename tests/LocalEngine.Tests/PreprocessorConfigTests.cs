using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Tests.Support;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// <see cref="PreprocessorConfig"/> / <see cref="VideoPreprocessorConfig"/>: class defaults, the fixture and checkpoint
/// files, legacy pixel keys, nested processor_config.json, and <see cref="ModelConfigException"/> naming the field.
/// </summary>
public sealed class PreprocessorConfigTests
{
    [Fact]
    public void Defaults_are_the_Glm4vImageProcessor_class_defaults()
    {
        var d = PreprocessorConfig.Default;
        Assert.Equal(12544, d.MinPixels);
        Assert.Equal(11_760_000, d.MaxPixels);
        Assert.Equal((14, 2, 2, 28, 1176), (d.PatchSize, d.TemporalPatchSize, d.MergeSize, d.Factor, d.PatchRowSize));
        Assert.Equal([0.48145466, 0.4578275, 0.40821073], d.ImageMean);
        Assert.Equal([0.26862954, 0.26130258, 0.27577711], d.ImageStd);
        Assert.Equal(1 / 255.0, d.RescaleFactor);
        Assert.True(d.DoResize && d.DoRescale && d.DoNormalize && d.DoConvertRgb);

        var v = VideoPreprocessorConfig.Default;
        Assert.Equal(28L * 28 * 2 * 30000, v.Pixels.MaxPixels);
        Assert.Equal(12544, v.Pixels.MinPixels);
        Assert.Equal((2.0, 300.0), (v.Fps, v.MaxDurationSeconds));
    }

    [Fact]
    public void Fixture_model_dir_is_read()
    {
        var c = PreprocessorConfig.Load(TestModels.TinySharded);
        Assert.Equal(PreprocessorConfig.Default with { ImageMean = c.ImageMean, ImageStd = c.ImageStd }, c);
        Assert.Equal(PreprocessorConfig.ClipMean, c.ImageMean);
        Assert.Equal(0.00392156862745098, c.RescaleFactor);
        // No video_preprocessor_config.json there: the video class defaults apply.
        Assert.Equal(VideoPreprocessorConfig.DefaultMaxPixels, VideoPreprocessorConfig.Load(TestModels.TinySharded).Pixels.MaxPixels);
    }

    [Fact]
    public void Checkpoint_settings_and_legacy_keys_are_read()
    {
        var c = PreprocessorConfig.Parse("""{"size": {"shortest_edge": 12544, "longest_edge": 9633792}, "patch_size": 14}""");
        Assert.Equal((12544L, 9_633_792L), (c.MinPixels, c.MaxPixels));

        var legacy = PreprocessorConfig.Parse("""{"min_pixels": 3136, "max_pixels": 1003520}""");
        Assert.Equal((3136L, 1_003_520L), (legacy.MinPixels, legacy.MaxPixels));

        var nested = PreprocessorConfig.Parse("""{"size": {"min_pixels": 100, "max_pixels": 2000}, "max_pixels": 5000}""");
        Assert.Equal((100L, 5000L), (nested.MinPixels, nested.MaxPixels));

        var flags = PreprocessorConfig.Parse("""{"do_normalize": false, "image_mean": 0.5, "rescale_factor": 0.5}""");
        Assert.False(flags.DoNormalize);
        Assert.Equal([0.5, 0.5, 0.5], flags.ImageMean);
        Assert.Equal(0.5, flags.RescaleFactor);
    }

    [Theory]
    [InlineData("""{"size": {"height": 224, "width": 224}}""", "size")]
    [InlineData("""{"size": {"shortest_edge": "big", "longest_edge": 10}}""", "size.shortest_edge")]
    [InlineData("""{"size": {"shortest_edge": -1, "longest_edge": 10}}""", "size.shortest_edge")]
    [InlineData("""{"size": {"shortest_edge": 100, "longest_edge": 10}}""", "size")]
    [InlineData("""{"size": 5}""", "size")]
    [InlineData("""{"max_pixels": 1.5}""", "max_pixels")]
    [InlineData("""{"patch_size": 0}""", "patch_size")]
    [InlineData("""{"temporal_patch_size": "two"}""", "temporal_patch_size")]
    [InlineData("""{"image_mean": [0.5, 0.5]}""", "image_mean")]
    [InlineData("""{"image_std": [0.5, 0, 0.5]}""", "image_std")]
    [InlineData("""{"rescale_factor": -1}""", "rescale_factor")]
    [InlineData("""{"resample": 2}""", "resample")]
    [InlineData("""{"do_resize": "yes"}""", "do_resize")]
    public void Bad_values_name_the_field(string json, string field)
    {
        var e = Assert.Throws<ModelConfigException>(() => PreprocessorConfig.Parse(json));
        Assert.Equal(field, e.Field);
        Assert.Equal(PreprocessorConfig.FileName, e.File);
    }

    [Fact]
    public void Invalid_json_is_a_config_error()
    {
        var e = Assert.Throws<ModelConfigException>(() => PreprocessorConfig.Parse("{ not json"));
        Assert.Null(e.Field);
        Assert.Throws<ModelConfigException>(() => VideoPreprocessorConfig.Parse("""{"fps": 0}"""));
    }

    [Fact]
    public void Files_are_found_in_order_and_absent_files_give_defaults()
    {
        using var dir = new TempDir();
        Assert.Equal(PreprocessorConfig.Default, PreprocessorConfig.Load(dir.Path));
        Assert.Equal(VideoPreprocessorConfig.Default, VideoPreprocessorConfig.Load(dir.Path));

        File.WriteAllText(dir.Sub("processor_config.json"), """
            {"image_processor": {"size": {"shortest_edge": 1000, "longest_edge": 2000000}},
             "video_processor": {"size": {"shortest_edge": 3000, "longest_edge": 4000000}, "fps": 1}}
            """);
        Assert.Equal((1000L, 2_000_000L), (PreprocessorConfig.Load(dir.Path).MinPixels, PreprocessorConfig.Load(dir.Path).MaxPixels));
        var nested = VideoPreprocessorConfig.Load(dir.Path);
        Assert.Equal((3000L, 4_000_000L, 1.0), (nested.Pixels.MinPixels, nested.Pixels.MaxPixels, nested.Fps));

        File.WriteAllText(dir.Sub(PreprocessorConfig.FileName), """{"size": {"shortest_edge": 12544, "longest_edge": 9633792}}""");
        File.WriteAllText(dir.Sub(VideoPreprocessorConfig.FileName), """{"size": {"shortest_edge": 12544, "longest_edge": 47040000}, "fps": 2, "max_duration": 300}""");
        Assert.Equal(9_633_792, PreprocessorConfig.Load(dir.Path).MaxPixels);
        Assert.Equal(47_040_000, VideoPreprocessorConfig.Load(dir.Path).Pixels.MaxPixels);

        var processor = ImageProcessor.Load(dir.Path);
        Assert.Equal(9_633_792, processor.Config.MaxPixels);
        Assert.Equal(47_040_000, processor.Video.Pixels.MaxPixels);

        File.WriteAllText(dir.Sub(PreprocessorConfig.FileName), """{"patch_size": -3}""");
        var e = Assert.Throws<ModelConfigException>(() => PreprocessorConfig.Load(dir.Path));
        Assert.Equal(("preprocessor_config.json", "patch_size"), (e.File, e.Field));
    }
}
