using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Tests;

public sealed class VideoTests
{
    [Fact]
    public async Task Probe_reads_duration_rate_frame_count_and_size()
    {
        var m = await VideoDecoder.ProbeAsync(SyntheticVideo.Make(10, 10, 96, 64));
        Assert.InRange(m.DurationSeconds, 9.9, 10.1);
        Assert.Equal(10, m.Fps, 3);
        Assert.Equal(100, m.TotalFrames);
        Assert.Equal((96, 64), (m.Width, m.Height));
    }

    [Fact]
    public async Task Webm_without_a_frame_count_in_its_header_is_counted()
    {
        var m = await VideoDecoder.ProbeAsync(SyntheticVideo.Make(2, 5, 64, 48, ".webm", "libvpx-vp9"));
        Assert.Equal(10, m.TotalFrames);
    }

    [Fact]
    public void Glm4v_rule_takes_two_frames_per_second_and_stamps_whole_seconds()
    {
        var s = VideoFrameSampler.Sample(new VideoMetadata(10, 10, 100, 96, 64), VideoSamplingRule.Glm4v);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 5), s.Indices);
        var groupStamps = s.Seconds.Where((_, i) => i % 2 == 0).Select(t => VideoFrameSampler.TimestampText(t, VideoSamplingRule.Glm4v));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()), groupStamps);
    }

    [Fact]
    public void Glm4v_rule_pads_an_odd_count_and_caps_long_videos_at_600_frames()
    {
        // 2.5 s at 4 fps → floor(5) = 5 frames (0, 2, 4, 6, 8) → last repeated.
        var s = VideoFrameSampler.Sample(new VideoMetadata(2.5, 4, 10, 8, 8), VideoSamplingRule.Glm4v);
        Assert.Equal(new[] { 0, 2, 4, 6, 8, 8 }, s.Indices);
        var longClip = VideoFrameSampler.Sample(new VideoMetadata(1000, 30, 30000, 8, 8), VideoSamplingRule.Glm4v);
        Assert.Equal(600, longClip.Indices.Count);
        Assert.Equal(0, longClip.Indices[0]);
        Assert.Equal(29999, longClip.Indices[^1]);
        Assert.True(longClip.Indices.Zip(longClip.Indices.Skip(1)).All(p => p.First < p.Second));
    }

    [Fact]
    public void Glm46v_rule_uses_dynamic_fps_and_decimal_timestamps()
    {
        var s = VideoFrameSampler.Sample(new VideoMetadata(10, 10, 100, 96, 64), VideoSamplingRule.Glm46v);
        Assert.Equal(60, s.Indices.Count);                 // ≤ 30 s → 3 fps × 2
        Assert.True(s.Indices.Zip(s.Indices.Skip(1)).All(p => p.First < p.Second));
        Assert.InRange(s.Indices[^1], 90, 99);
        var minute = VideoFrameSampler.Sample(new VideoMetadata(120, 25, 3000, 8, 8), VideoSamplingRule.Glm46v);
        Assert.Equal(240, minute.Indices.Count);           // ≤ 300 s → 1 fps × 2
        Assert.Equal("2.0 seconds", VideoFrameSampler.TimestampText(2, VideoSamplingRule.Glm46v));
        Assert.Equal("12.4 seconds", VideoFrameSampler.TimestampText(12.4, VideoSamplingRule.Glm46v));
    }

    [Fact]
    public async Task Decoding_returns_exactly_the_sampled_frames()
    {
        string path = SyntheticVideo.Make(10, 10, 96, 64);
        var m = await VideoDecoder.ProbeAsync(path);
        var frames = await VideoDecoder.DecodeFramesAsync(path, m, [0, 5, 95, 95]);
        Assert.Equal(4, frames.Count);
        Assert.All(frames, f => Assert.Equal(96 * 64 * 3, f.Rgb.Length));
        Assert.NotEqual(frames[0].Rgb, frames[2].Rgb);      // testsrc moves
        Assert.Equal(frames[2].Rgb, frames[3].Rgb);
        // The same frame decoded on its own is identical (select picks by decoded index).
        var single = await VideoDecoder.DecodeFramesAsync(path, m, [5]);
        Assert.Equal(frames[1].Rgb, single[0].Rgb);
    }

    [Fact]
    public async Task Unreadable_videos_are_typed_errors()
    {
        string dir = RandomModels.NewTempDir("badvideo");
        string corrupt = Path.Combine(dir, "corrupt.mp4");
        await File.WriteAllBytesAsync(corrupt, [.. "\0\0\0\u0018ftypmp42"u8.ToArray(), .. new byte[100]]);
        await Assert.ThrowsAsync<InvalidMediaException>(() => VideoDecoder.ProbeAsync(corrupt));
        await Assert.ThrowsAsync<InvalidMediaException>(() => VideoDecoder.ProbeAsync(Path.Combine(dir, "missing.mp4")));
        var noVideo = await Assert.ThrowsAsync<InvalidMediaException>(() => VideoDecoder.ProbeAsync(SyntheticVideo.AudioOnly()));
        Assert.Contains("no video stream", noVideo.Message);
        Assert.Throws<InvalidMediaException>(() => VideoFrameSampler.Sample(new VideoMetadata(0, 0, 0, 8, 8), VideoSamplingRule.Glm4v));
    }

    [Theory]
    [InlineData(1e-300)]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1e9)]
    public void Frames_given_at_an_absurd_rate_are_refused(double fps)
    {
        var frame = new DataContent(new byte[] { 1 }, "image/png");
        var e = Assert.Throws<InvalidMediaException>(() => new VideoFramesContent([frame, frame], fps));
        Assert.Contains("framesPerSecond", e.Message);
    }

    [Fact]
    public void Frame_counts_are_bounded_and_sane_rates_accepted()
    {
        var frame = new DataContent(new byte[] { 1 }, "image/png");
        Assert.Equal(0.001, new VideoFramesContent([frame], 0.001).FramesPerSecond);
        Assert.Equal(240, new VideoFramesContent([frame], 240).FramesPerSecond);
        Assert.Throws<InvalidMediaException>(() => new VideoFramesContent([]));
        var tooMany = Enumerable.Repeat((AIContent)frame, VideoFramesContent.MaxFrames + 1).ToList();
        var e = Assert.Throws<InvalidMediaException>(() => new VideoFramesContent(tooMany));
        Assert.Contains(VideoFramesContent.MaxFrames.ToString(), e.Message);
        Assert.Equal(VideoFramesContent.MaxFrames, new VideoFramesContent(tooMany.Take(VideoFramesContent.MaxFrames).ToList()).Frames.Count);
    }

    [Fact]
    public void Sampling_refuses_metadata_with_an_infinite_or_absurd_rate()
    {
        Assert.Throws<InvalidMediaException>(() => VideoFrameSampler.Sample(new VideoMetadata(10, double.PositiveInfinity, 100, 8, 8), VideoSamplingRule.Glm4v));
        Assert.Throws<InvalidMediaException>(() => VideoFrameSampler.Sample(new VideoMetadata(10, 1e-300, 100, 8, 8), VideoSamplingRule.Glm46v));
    }
}
