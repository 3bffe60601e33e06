namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Frame selection of the GLM video processors. Both rules end with an even number of frames (the last one repeated
/// if needed) because frames are paired into temporal patches; each pair is announced by the time of its first frame.
/// </summary>
public static class VideoFrameSampler
{
    /// <summary>Indices of the frames to decode, in order (may repeat the last index to make the count even).</summary>
    public static SampledFrames Sample(VideoMetadata m, VideoSamplingRule rule)
    {
        // A rate this low (or infinite) gives infinite timestamps; the same floor as for frames given by the caller.
        if (m.TotalFrames <= 0 || !double.IsFinite(m.Fps) || m.Fps < VideoFramesContent.MinFramesPerSecond)
            throw new InvalidMediaException($"the video has no decodable frames (frames: {m.TotalFrames}, fps: {m.Fps}).");
        var indices = rule == VideoSamplingRule.Glm4v ? Glm4vIndices(m) : Glm46vIndices(m);
        var unique = new List<int>();
        var seen = new HashSet<int>();
        foreach (int i in indices)
            if (seen.Add(i)) unique.Add(i);
        if (unique.Count == 0) unique.Add(0);
        if (unique.Count % 2 == 1) unique.Add(unique[^1]);
        return new SampledFrames(unique, unique.Select(i => i / m.Fps).ToList());
    }

    /// <summary>Glm4vVideoProcessor: 2 fps for clips up to 300 s, else 600 frames spread over the whole clip.</summary>
    static IEnumerable<int> Glm4vIndices(VideoMetadata m)
    {
        const double TargetFps = 2, MaxDuration = 300;
        double duration = m.DurationSeconds > 0 ? m.DurationSeconds : Math.Round((m.TotalFrames - 1) / m.Fps, MidpointRounding.ToEven) + 1;
        if (duration <= MaxDuration)
        {
            int n = (int)Math.Floor(duration * TargetFps);
            for (int i = 0; i < n; i++) yield return Math.Min(m.TotalFrames - 1, (int)Math.Ceiling(i * m.Fps / TargetFps));
            yield break;
        }
        const int Num = (int)(MaxDuration * TargetFps);
        if (Num >= m.TotalFrames)
        {
            for (int i = 0; i < m.TotalFrames; i++) yield return i;
            yield break;
        }
        foreach (double s in Linspace(0, duration, Num))
            yield return Math.Min(m.TotalFrames - 1, (int)Math.Ceiling(s * m.Fps));
    }

    /// <summary>Glm46VVideoProcessor: 3 fps up to 30 s, 1 fps up to 300 s, else 0.5 fps; at most 640 frames.</summary>
    static IEnumerable<int> Glm46vIndices(VideoMetadata m)
    {
        double duration = m.DurationSeconds > 0 ? m.DurationSeconds : m.TotalFrames / m.Fps;
        double effective = Math.Min(duration, 2400);
        double targetFps = effective <= 30 ? 3 : effective <= 300 ? 1 : 0.5;
        int extract = Math.Min((int)(effective * targetFps * 2), 640);
        if (extract <= 0) return [0];
        if (m.TotalFrames < extract)
            return Linspace(0, m.TotalFrames - 1, extract).Select(x => (int)x);
        var chosen = new List<int>();
        double current = 0, step = 1.0 / (2 * targetFps);
        int maxSecond = (int)duration;
        for (long f = 0; f < m.TotalFrames && chosen.Count <= extract; f++)
        {
            // Past extract frames the result no longer depends on the choice (it is spread over the whole clip); and
            // frames before the next sampling time are skipped in one jump (one below it, as rounding guard), so a
            // header claiming billions of frames costs nothing.
            double next = Math.Ceiling(current * m.Fps) - 1;
            if (next >= m.TotalFrames) break;
            f = Math.Max(f, (long)next);
            double t = f / m.Fps;
            if (t >= maxSecond && maxSecond > 0) break;
            if (t >= current)
            {
                chosen.Add((int)f);
                current += step;
            }
        }
        if (chosen.Count == extract) return chosen;
        if (chosen.Count < extract)
        {
            int first = chosen.Count > 0 ? chosen[0] : 0, last = chosen.Count > 0 ? chosen[^1] : m.TotalFrames - 1;
            return Linspace(first, last, extract).Select(x => (int)x);
        }
        return Linspace(0, m.TotalFrames - 1, extract).Select(x => (int)x);
    }

    /// <summary>numpy.linspace(start, stop, num) with the end point included.</summary>
    static IEnumerable<double> Linspace(double start, double stop, int num)
    {
        if (num == 1) { yield return start; yield break; }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) yield return i == num - 1 ? stop : start + i * step;
    }

    /// <summary>The text that follows each temporal patch: "3" (GLM-4.1V/4.5V) or "3.0 seconds" (GLM-4.6V).</summary>
    public static string TimestampText(double seconds, VideoSamplingRule rule) => rule == VideoSamplingRule.Glm4v
        ? ((long)Math.Floor(seconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)
        : seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " seconds";
}
