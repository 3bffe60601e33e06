using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Tests.Android;

/// <summary>
/// The real adb client for the Android tests, and executors wired to a <see cref="FakeAdbServer"/>. Every executor
/// here passes <see cref="AdbExecutorOptions.ServerSocket"/>, so no test ever starts a real adb daemon on :5037.
/// </summary>
internal static class AdbTool
{
    private static readonly Lazy<string?> Found = new(() =>
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(dir, "adb");
            if (File.Exists(candidate)) return candidate;
        }
        return File.Exists("/usr/bin/adb") ? "/usr/bin/adb" : null;
    });

    /// <summary>The adb executable; fails the test with install instructions when it is missing.</summary>
    public static string Path => Found.Value
        ?? throw new InvalidOperationException(
            "The Android tests need the real adb client (they drive it against a fake adb server, no device needed). " +
            "Install it with `apt-get install -y --no-install-recommends adb` (Debian/Ubuntu package `adb`).");

    /// <summary>Options for an executor talking to <paramref name="fake"/> with no delays.</summary>
    public static AdbExecutorOptions Options(FakeAdbServer fake) => new()
    {
        AdbPath = Path,
        ServerSocket = fake.ServerSocket,
        TextInputDelay = TimeSpan.Zero,
        DoubleTapInterval = TimeSpan.FromMilliseconds(10),
        CommandTimeout = TimeSpan.FromSeconds(20),
    };

    public static AdbDeviceExecutor Executor(FakeAdbServer fake) => new(Options(fake));

    private static readonly Dictionary<(int, int), Screenshot> Screens = [];

    /// <summary>An observation of a <paramref name="width"/> × <paramref name="height"/> screen (cached PNGs).</summary>
    public static GuiObservation Observation(int width = 1080, int height = 2400)
    {
        Screenshot shot;
        lock (Screens)
        {
            if (!Screens.TryGetValue((width, height), out shot!))
                Screens[(width, height)] = shot = Screenshot.FromEncoded(FakeAdbServer.MakePng(width, height, SkiaSharp.SKColors.White));
        }
        return new GuiObservation(shot);
    }
}
