using System.Diagnostics;

namespace Glm4vSK.LocalEngine.Tests.Support;

/// <summary>Makes test videos with the system's ffmpeg (lavfi sources), cached per process.</summary>
public static class SyntheticVideo
{
    static readonly Dictionary<string, string> Made = new();

    /// <summary>A testsrc clip: <paramref name="seconds"/> long at <paramref name="fps"/>, W×H, H.264 in MP4 (or another container by extension).</summary>
    public static string Make(double seconds, int fps, int width, int height, string extension = ".mp4", string codec = "libx264")
    {
        string key = $"{seconds}-{fps}-{width}x{height}{extension}-{codec}";
        lock (Made)
        {
            if (Made.TryGetValue(key, out var existing) && File.Exists(existing)) return existing;
            string path = Path.Combine(RandomModels.NewTempDir("video"), "clip" + extension);
            Run("-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate={fps}:duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                "-c:v", codec, "-pix_fmt", "yuv420p", "-y", path);
            Made[key] = path;
            return path;
        }
    }

    /// <summary>An audio-only file (no video stream).</summary>
    public static string AudioOnly()
    {
        string path = Path.Combine(RandomModels.NewTempDir("audio"), "tone.mp4");
        Run("-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", "-y", path);
        return path;
    }

    static void Run(params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("ffmpeg did not start");
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed ({p.ExitCode}): {err}");
    }
}
