using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary><see cref="SmartResize"/> against transformers' results and the fixture sizes.</summary>
public sealed class SmartResizeTests
{
    const long CheckpointMax = 9_633_792, ClassMax = 11_760_000, Min = 12_544;

    /// <summary>Grids measured with transformers 5.12 at the checkpoints' settings (input W×H → grid h, w).</summary>
    [Theory]
    [InlineData(6000, 4000, 128, 192)] // floor((4000/β)/28) hits 64.0 exactly
    [InlineData(4000, 3000, 134, 180)]
    [InlineData(3000, 3000, 156, 156)]
    [InlineData(5000, 4000, 140, 174)]
    [InlineData(1700, 2200, 158, 122)]
    [InlineData(100, 100, 8, 8)]
    [InlineData(2600, 2000, 136, 178)]
    public void Checkpoint_limits_match_transformers(int width, int height, int gridH, int gridW)
    {
        var (h, w) = SmartResize.Compute(2, height, width, 28, Min, CheckpointMax);
        Assert.Equal((gridH * 14, gridW * 14), (h, w));
    }

    [Theory]
    [InlineData(126, 70, 56, 112)]   // 70/28 = 2.5 → 2, 126/28 = 4.5 → 4 (half to even)
    [InlineData(70, 120, 112, 56)]
    [InlineData(333, 517, 504, 336)]
    [InlineData(1000, 120, 112, 1008)]
    [InlineData(64, 64, 84, 84)]     // below min_pixels: up-scaled with ceil
    [InlineData(60, 90, 112, 84)]
    [InlineData(50, 50, 84, 84)]
    [InlineData(2000, 1500, 1512, 1988)]
    [InlineData(200, 150, 140, 196)]
    [InlineData(10, 5, 56, 112)]     // sides below 28: scaled by max(28/H, 28/W) first
    public void Class_defaults_match_the_fixture_sizes(int width, int height, int expectedH, int expectedW) =>
        Assert.Equal((expectedH, expectedW), SmartResize.Compute(2, height, width, 28, Min, ClassMax));

    [Theory]
    [InlineData(4, 60, 90, 56, 84)]  // the video case: 4 frames of 90x60
    [InlineData(3, 60, 90, 56, 84)]  // t̄ = round(1.5)·2 = 4
    [InlineData(5, 60, 90, 56, 84)]  // t̄ = round(2.5)·2 = 4
    public void Frame_count_enters_the_budget(int frames, int height, int width, int expectedH, int expectedW) =>
        Assert.Equal((expectedH, expectedW), SmartResize.Compute(frames, height, width, 28, Min, VideoPreprocessorConfig.DefaultMaxPixels));

    [Fact]
    public void Many_frames_share_the_budget()
    {
        // 600 frames of 1920x1080 against 47,040,000: β = sqrt(600·1080·1920 / 47,040,000).
        var (h, w) = SmartResize.Compute(600, 1080, 1920, 28, Min, VideoPreprocessorConfig.DefaultMaxPixels);
        double beta = Math.Sqrt(600.0 * 1080 * 1920 / 47_040_000);
        Assert.Equal(Math.Max(28, (int)Math.Floor(1080 / beta / 28) * 28), h);
        Assert.Equal(Math.Max(28, (int)Math.Floor(1920 / beta / 28) * 28), w);
        Assert.True(600L * h * w <= 47_040_000);
    }

    [Fact]
    public void Aspect_ratio_limit_is_200()
    {
        SmartResize.Compute(2, 200, 1);                     // exactly 200:1 after up-scaling: accepted
        SmartResize.Compute(2, 28, 5600);
        Assert.Throws<InvalidMediaException>(() => SmartResize.Compute(2, 201, 1));
        Assert.Throws<InvalidMediaException>(() => SmartResize.Compute(2, 28, 5629));
        Assert.Throws<InvalidMediaException>(() => SmartResize.Compute(2, 50000, 1));
    }

    [Fact]
    public void Too_few_frames_or_an_empty_size_is_a_typed_error()
    {
        Assert.Throws<InvalidMediaException>(() => SmartResize.Compute(1, 100, 100));
        Assert.Throws<InvalidMediaException>(() => SmartResize.Compute(0, 100, 100));
        Assert.Throws<InvalidMediaException>(() => SmartResize.Compute(2, 0, 100));
        Assert.Throws<InvalidMediaException>(() => SmartResize.Compute(2, 100, -1));
    }
}
