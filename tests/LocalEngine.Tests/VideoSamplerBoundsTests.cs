using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>The GLM-4.6V frame choice must not cost time in proportion to a frame count that a header merely claims.</summary>
public sealed class VideoSamplerBoundsTests
{
    [Fact(Timeout = 5000)]
    public async Task A_header_claiming_billions_of_frames_in_half_a_second_is_sampled_at_once()
    {
        var meta = new VideoMetadata(0.5, 1e6, int.MaxValue, 8, 8);
        var s = await Task.Run(() => VideoFrameSampler.Sample(meta, VideoSamplingRule.Glm46v), TestContext.Current.CancellationToken);
        Assert.Equal(Glm46vOracle(meta), s.Indices);
    }

    public static TheoryData<double, double, int> Clips() => new()
    {
        { 10, 10, 100 }, { 120, 25, 3000 }, { 0.5, 30, 15 }, { 0.9, 1000, 900 }, { 2.2, 29.97, 66 },
        { 31, 24, 744 }, { 301, 2, 602 }, { 700, 30, 21000 }, { 3000, 1, 3000 }, { 5, 60, 100 }, { 5, 3, 1000 },
    };

    [Theory]
    [MemberData(nameof(Clips))]
    public void The_bounded_loop_chooses_the_same_frames_as_the_per_frame_loop(double duration, double fps, int frames)
    {
        var meta = new VideoMetadata(duration, fps, frames, 8, 8);
        Assert.Equal(Glm46vOracle(meta), VideoFrameSampler.Sample(meta, VideoSamplingRule.Glm46v).Indices);
    }

    /// <summary>Glm46VVideoProcessor's choice read literally: one step per frame, then de-duplicated and made even.</summary>
    static List<int> Glm46vOracle(VideoMetadata m)
    {
        double duration = m.DurationSeconds > 0 ? m.DurationSeconds : m.TotalFrames / m.Fps;
        double effective = Math.Min(duration, 2400);
        double targetFps = effective <= 30 ? 3 : effective <= 300 ? 1 : 0.5;
        int extract = Math.Min((int)(effective * targetFps * 2), 640);
        IEnumerable<int> raw;
        if (extract <= 0) raw = [0];
        else if (m.TotalFrames < extract) raw = Linspace(0, m.TotalFrames - 1, extract);
        else
        {
            var chosen = new List<int>();
            double current = 0, step = 1.0 / (2 * targetFps);
            int maxSecond = (int)duration;
            for (int f = 0; f < m.TotalFrames && chosen.Count <= extract + 1; f++)   // the +1 only keeps the oracle itself finite
            {
                double t = f / m.Fps;
                if (t >= maxSecond && maxSecond > 0) break;
                if (t >= current) { chosen.Add(f); current += step; }
            }
            raw = chosen.Count == extract ? chosen
                : chosen.Count < extract ? Linspace(chosen.Count > 0 ? chosen[0] : 0, chosen.Count > 0 ? chosen[^1] : m.TotalFrames - 1, extract)
                : Linspace(0, m.TotalFrames - 1, extract);
        }
        var unique = raw.Distinct().ToList();
        if (unique.Count == 0) unique.Add(0);
        if (unique.Count % 2 == 1) unique.Add(unique[^1]);
        return unique;
    }

    static IEnumerable<int> Linspace(double start, double stop, int num) =>
        Enumerable.Range(0, num).Select(i => (int)(num == 1 ? start : i == num - 1 ? stop : start + i * ((stop - start) / (num - 1))));
}
