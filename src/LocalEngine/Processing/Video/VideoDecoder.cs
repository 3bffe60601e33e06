using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>One decoded video frame, RGB24 interleaved (row-major, 3 bytes per pixel).</summary>
public sealed record VideoFrame(int Width, int Height, byte[] Rgb);

/// <summary>
/// Reads videos with the system's ffmpeg/ffprobe: probes duration, frame rate and frame count, and decodes exactly the
/// frames a sampling rule picks (one <c>select</c> pass, raw RGB24 on stdout). Only real container formats are opened
/// and only the one local file: playlists, concat scripts and image sequences would make ffmpeg read other files.
/// </summary>
public static class VideoDecoder
{
    /// <summary>
    /// The demuxers ffmpeg may use (<c>-format_whitelist</c>): containers that hold their media themselves. HLS/DASH
    /// playlists, ffconcat scripts, image2 patterns and the like are refused.
    /// </summary>
    internal static readonly IReadOnlyList<string> ContainerDemuxers = ["mov", "matroska", "avi", "mpegts", "mpeg", "flv", "ogg", "asf"];

    static string Whitelist => string.Join(",", ContainerDemuxers);

    /// <summary>Refuse to decode more than this many bytes of raw frames for one video.</summary>
    public static long MaxDecodedBytes { get; set; } = 4L << 30;

    /// <summary>Longest one ffprobe or ffmpeg run may take before it is killed.</summary>
    public static TimeSpan ToolTimeout { get; set; } = TimeSpan.FromMinutes(10);

    const long MaxProbeOutputBytes = 16L << 20;

    /// <summary>
    /// Probes, samples by <paramref name="rule"/> and decodes a video part: a local file is checked by
    /// <paramref name="loader"/> and read in place; inline or downloaded bytes go to a private temp folder first.
    /// <paramref name="beforeDecoding"/> sees the sampled frame count, height and width before any frame is decoded
    /// (the processor checks pixel and context budgets there).
    /// </summary>
    public static async Task<(IReadOnlyList<VideoFrame> Frames, IReadOnlyList<double> Seconds)> DecodeSampledAsync(
        AIContent content, MediaLoader loader, VideoSamplingRule rule, CancellationToken ct = default,
        Action<int, int, int>? beforeDecoding = null)
    {
        if (content is UriContent { Uri.IsAbsoluteUri: true, Uri.IsFile: true } file)
            return await DecodeSampledAsync(loader.ResolveLocalFile(file.Uri), rule, beforeDecoding, ct).ConfigureAwait(false);
        var bytes = await loader.LoadAsync(content, ct).ConfigureAwait(false);
        // A folder of its own and a fixed name: nothing the bytes name relative to themselves lies beside them.
        var dir = Directory.CreateTempSubdirectory("glm4vsk-video-");
        try
        {
            string path = Path.Combine(dir.FullName, "input.mp4");
            await using (var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
                await f.WriteAsync(bytes.Data, ct).ConfigureAwait(false);
            return await DecodeSampledAsync(path, rule, beforeDecoding, ct).ConfigureAwait(false);
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static async Task<(IReadOnlyList<VideoFrame>, IReadOnlyList<double>)> DecodeSampledAsync(
        string path, VideoSamplingRule rule, Action<int, int, int>? beforeDecoding, CancellationToken ct)
    {
        var meta = await ProbeAsync(path, ct).ConfigureAwait(false);
        var sampled = VideoFrameSampler.Sample(meta, rule);
        beforeDecoding?.Invoke(sampled.Indices.Count, meta.Height, meta.Width);
        var frames = await DecodeFramesAsync(path, meta, sampled.Indices, ct).ConfigureAwait(false);
        return (frames, sampled.Seconds);
    }

    public static async Task<VideoMetadata> ProbeAsync(string path, CancellationToken ct = default)
    {
        string input = InputUrl(path);
        using var probe = await ProbeJsonAsync(input, [], ct).ConfigureAwait(false);
        var root = probe.RootElement;
        var format = root.TryGetProperty("format", out var f) ? f : default;
        string formatName = Text(format, "format_name") ?? "";
        // The whitelist already stops other demuxers; this keeps it so should ffmpeg ever fall back to another.
        if (!formatName.Split(',').Any(ContainerDemuxers.Contains))
            throw new InvalidMediaException($"the video's format '{formatName}' is not a video container (allowed: {Whitelist}).", mediaType: "video");
        var v = PrimaryVideoStream(root) ?? throw new InvalidMediaException("the file has no video stream.", mediaType: "video");
        int index = Int(v, "index") ?? 0;
        double avg = Ratio(Text(v, "avg_frame_rate")), real = Ratio(Text(v, "r_frame_rate"));
        double fps = avg > 0 && double.IsFinite(avg) ? avg : real;
        double duration = Seconds(Text(format, "duration")) is > 0 and var d ? d : Seconds(Text(v, "duration"));
        int frames = Int(v, "nb_frames") ?? 0;
        if (frames <= 0)
        {
            // Containers without a count (Matroska/WebM): count by decoding.
            try
            {
                using var counted = await ProbeJsonAsync(input, ["-count_frames", "-select_streams", index.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
                frames = PrimaryVideoStream(counted.RootElement) is { } cv ? Int(cv, "nb_read_frames") ?? 0 : 0;
            }
            catch (InvalidMediaException) { frames = 0; }
            if (frames <= 0 && fps > 0 && duration > 0) frames = (int)Math.Round(duration * fps);
        }
        int width = Int(v, "width") ?? 0, height = Int(v, "height") ?? 0;
        if (frames <= 0 || width <= 0 || height <= 0)
            throw new InvalidMediaException("the video has no frames.", mediaType: "video");
        return new VideoMetadata(duration, fps, frames, width, height) { StreamIndex = index };
    }

    /// <summary>Decodes the frames at <paramref name="indices"/> (ascending; duplicates are copied, not decoded twice).</summary>
    public static async Task<IReadOnlyList<VideoFrame>> DecodeFramesAsync(string path, VideoMetadata meta, IReadOnlyList<int> indices, CancellationToken ct = default)
    {
        string input = InputUrl(path);
        var distinct = indices.Distinct().OrderBy(i => i).ToList();
        long frameBytes = (long)meta.Width * meta.Height * 3;
        if (frameBytes * distinct.Count > MaxDecodedBytes)
            throw new InvalidMediaException($"decoding {distinct.Count} frames of {meta.Width}×{meta.Height} would need {frameBytes * distinct.Count >> 20} MiB (limit {MaxDecodedBytes >> 20} MiB).", mediaType: "video");
        var select = new StringBuilder("select='");
        for (int i = 0; i < distinct.Count; i++) select.Append(i == 0 ? "" : "+").Append("eq(n\\,").Append(distinct[i].ToString(CultureInfo.InvariantCulture)).Append(')');
        select.Append('\'');
        string stream = meta.StreamIndex >= 0 ? "0:" + meta.StreamIndex.ToString(CultureInfo.InvariantCulture) : "0:v:0";
        var result = await FfmpegProcess.RunAsync("ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "error", .. InputOptions, "-i", input,
             "-map", stream, "-vf", select.ToString(), "-fps_mode", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"],
            frameBytes * distinct.Count + frameBytes, ToolTimeout, ct).ConfigureAwait(false);
        byte[] all = result.Output;
        int got = (int)(all.Length / frameBytes);
        if (got == 0)
            throw new InvalidMediaException($"ffmpeg returned no frames{(result.ExitCode != 0 ? $" (exit code {result.ExitCode}: {result.ErrorTail})" : "")}.", mediaType: "video");
        var decoded = new Dictionary<int, VideoFrame>();
        for (int i = 0; i < distinct.Count; i++)
        {
            // A frame past the real end (a header that over-counts) repeats the last one decoded.
            int k = Math.Min(i, got - 1);
            decoded[distinct[i]] = new VideoFrame(meta.Width, meta.Height, all.AsSpan((int)(k * frameBytes), (int)frameBytes).ToArray());
        }
        return indices.Select(i => decoded[i]).ToList();
    }

    /// <summary>Options before <c>-i</c>: only real containers, only the local file protocol.</summary>
    static string[] InputOptions => ["-protocol_whitelist", "file", "-format_whitelist", Whitelist];

    /// <summary>
    /// The path as a <c>file:</c> URL of a regular file: absolute, so no name reads as an option or another protocol.
    /// </summary>
    static string InputUrl(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full)) throw new InvalidMediaException($"video file '{path}' not found.", mediaType: "video");
        RegularFile.Require(full, "video");
        return "file:" + full;
    }

    static async Task<JsonDocument> ProbeJsonAsync(string input, IReadOnlyList<string> extra, CancellationToken ct)
    {
        var result = await FfmpegProcess.RunAsync("ffprobe",
            ["-hide_banner", "-loglevel", "error", .. InputOptions, .. extra, "-print_format", "json", "-show_format", "-show_streams", input],
            MaxProbeOutputBytes, ToolTimeout, ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new InvalidMediaException($"the video cannot be read ({(result.ErrorTail is { Length: > 0 } tail ? tail : $"ffprobe exit code {result.ExitCode}")}).", mediaType: "video");
        try { return JsonDocument.Parse(result.Output); }
        catch (JsonException e) { throw new InvalidMediaException($"ffprobe's report cannot be parsed ({e.Message}).", mediaType: "video", inner: e); }
    }

    /// <summary>The first video stream that is not an attached picture (cover art).</summary>
    static JsonElement? PrimaryVideoStream(JsonElement root)
    {
        if (!root.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array) return null;
        foreach (var s in streams.EnumerateArray())
        {
            if (Text(s, "codec_type") != "video") continue;
            if (s.TryGetProperty("disposition", out var disp) && Int(disp, "attached_pic") == 1) continue;
            return s;
        }
        return null;
    }

    static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
            : null;

    static int? Int(JsonElement e, string name) =>
        int.TryParse(Text(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;

    static double Seconds(string? s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : 0;

    /// <summary>"30000/1001" → 29.97; a zero denominator or anything unparsable → 0.</summary>
    static double Ratio(string? s)
    {
        var parts = (s ?? "").Split('/');
        if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double num)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double den) || den == 0) return 0;
        return num / den;
    }
}
