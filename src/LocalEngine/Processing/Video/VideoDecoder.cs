using System.Globalization;
using System.Text;
using System.Text.Json;
using FFMpegCore;
using FFMpegCore.Pipes;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>One decoded video frame, RGB24 interleaved (row-major, 3 bytes per pixel).</summary>
public sealed record VideoFrame(int Width, int Height, byte[] Rgb);

/// <summary>
/// Reads videos with the system's ffmpeg/ffprobe through FFMpegCore: probes duration, frame rate and frame count, and
/// decodes exactly the frames a sampling rule picks (one <c>select</c> pass, raw RGB24 through a pipe).
/// </summary>
public static class VideoDecoder
{
    /// <summary>Refuse to decode more than this many bytes of raw frames for one video.</summary>
    public static long MaxDecodedBytes { get; set; } = 4L << 30;

    public static async Task<VideoMetadata> ProbeAsync(string path, CancellationToken ct = default)
    {
        if (!File.Exists(path)) throw new InvalidMediaException($"video file '{path}' not found.", mediaType: "video");
        IMediaAnalysis a;
        try { a = await FFProbe.AnalyseAsync(path, cancellationToken: ct).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidMediaException($"the video cannot be read ({FirstLine(e.Message)}).", mediaType: "video", inner: e);
        }
        var v = a.PrimaryVideoStream ?? throw new InvalidMediaException("the file has no video stream.", mediaType: "video");
        double fps = v.AverageFrameRate > 0 ? v.AverageFrameRate : v.RealFrameRate;
        double duration = a.Duration.TotalSeconds > 0 ? a.Duration.TotalSeconds : v.Duration.TotalSeconds;
        int frames = FrameCountFromHeader(a, v.Index);
        if (frames <= 0)
        {
            // Containers without a count (Matroska/WebM): count by decoding.
            try
            {
                var counted = await FFProbe.AnalyseAsync(path, customArguments: "-count_frames", cancellationToken: ct).ConfigureAwait(false);
                frames = FrameCountFromHeader(counted, v.Index, "nb_read_frames");
            }
            catch (Exception e) when (e is not OperationCanceledException) { frames = 0; }
            if (frames <= 0 && fps > 0 && duration > 0) frames = (int)Math.Round(duration * fps);
        }
        if (frames <= 0 || v.Width is not > 0 || v.Height is not > 0)
            throw new InvalidMediaException("the video has no frames.", mediaType: "video");
        return new VideoMetadata(duration, fps, frames, v.Width ?? 0, v.Height ?? 0);
    }

    static int FrameCountFromHeader(IMediaAnalysis a, int streamIndex, string field = "nb_frames")
    {
        try
        {
            var json = a.GetType().GetProperty("Json")?.GetValue(a) as string;
            if (string.IsNullOrEmpty(json)) return 0;
            using var doc = JsonDocument.Parse(json);
            foreach (var s in doc.RootElement.GetProperty("streams").EnumerateArray())
            {
                if (s.TryGetProperty("codec_type", out var ty) && ty.GetString() == "video"
                    && s.TryGetProperty(field, out var n)
                    && int.TryParse(n.ValueKind == JsonValueKind.String ? n.GetString() : n.GetRawText(), out int count))
                    return count;
            }
        }
        catch (JsonException) { }
        catch (KeyNotFoundException) { }
        return 0;
    }

    /// <summary>Decodes the frames at <paramref name="indices"/> (ascending; duplicates are copied, not decoded twice).</summary>
    public static async Task<IReadOnlyList<VideoFrame>> DecodeFramesAsync(string path, VideoMetadata meta, IReadOnlyList<int> indices, CancellationToken ct = default)
    {
        var distinct = indices.Distinct().OrderBy(i => i).ToList();
        long frameBytes = (long)meta.Width * meta.Height * 3;
        if (frameBytes * distinct.Count > MaxDecodedBytes)
            throw new InvalidMediaException($"decoding {distinct.Count} frames of {meta.Width}×{meta.Height} would need {frameBytes * distinct.Count >> 20} MiB (limit {MaxDecodedBytes >> 20} MiB).", mediaType: "video");
        var select = new StringBuilder("select='");
        for (int i = 0; i < distinct.Count; i++) select.Append(i == 0 ? "" : "+").Append("eq(n\\,").Append(distinct[i].ToString(CultureInfo.InvariantCulture)).Append(')');
        select.Append('\'');
        using var buffer = new MemoryStream();
        FFMpegCore.FFMpegResult? result = null;
        try
        {
            result = await FFMpegArguments.FromFileInput(path)
                .OutputToPipe(new StreamPipeSink(buffer), o => o
                    .WithCustomArgument($"-vf {select} -fps_mode passthrough -pix_fmt rgb24")
                    .ForceFormat("rawvideo"))
                .CancellableThrough(ct)
                .ProcessAsynchronously(throwOnError: false).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidMediaException($"ffmpeg could not decode the video ({FirstLine(e.Message)}).", mediaType: "video", inner: e);
        }
        ct.ThrowIfCancellationRequested();
        byte[] all = buffer.ToArray();
        int got = (int)(all.Length / frameBytes);
        if (got == 0)
            throw new InvalidMediaException($"ffmpeg returned no frames{(result is { Success: false } ? $" (exit code {result.ExitCode}: {string.Join(" | ", result.StandardError.TakeLast(2))})" : "")}.", mediaType: "video");
        var decoded = new Dictionary<int, VideoFrame>();
        for (int i = 0; i < distinct.Count; i++)
        {
            // A frame past the real end (a header that over-counts) repeats the last one decoded.
            int k = Math.Min(i, got - 1);
            decoded[distinct[i]] = new VideoFrame(meta.Width, meta.Height, all.AsSpan((int)(k * frameBytes), (int)frameBytes).ToArray());
        }
        return indices.Select(i => decoded[i]).ToList();
    }

    static string FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? s;
}
