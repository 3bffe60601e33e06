using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.LocalEngine.Tests;

public sealed class FfmpegProcessTests
{
    static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    /// <summary>Ids of running processes whose command line mentions <paramref name="marker"/>.</summary>
    static List<int> ProcessesMentioning(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 600 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition());
    }

    [Fact]
    public async Task Stdout_comes_back_as_exact_bytes_and_arguments_are_not_split()
    {
        var r = await FfmpegProcess.RunAsync("ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:s=2x2:d=0.1,format=rgb24", "-frames:v", "1", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"],
            1 << 20, Long, CancellationToken.None);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Enumerable.Repeat(new byte[] { 255, 0, 0 }, 4).SelectMany(p => p), r.Output);
    }

    [Fact]
    public async Task A_failing_run_reports_its_exit_code_and_stderr()
    {
        var r = await FfmpegProcess.RunAsync("ffprobe", ["-hide_banner", "-loglevel", "error", "file:/nonexistent/dir/clip \"x\".mp4"], 1 << 20, Long, CancellationToken.None);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("/nonexistent/dir/clip \"x\".mp4", r.ErrorTail);
    }

    [Fact]
    public async Task A_missing_tool_is_a_typed_error_that_says_what_to_install()
    {
        var e = await Assert.ThrowsAsync<InvalidMediaException>(() =>
            FfmpegProcess.RunAsync("/nonexistent/bin/ffprobe", ["-version"], 1 << 20, Long, CancellationToken.None));
        Assert.Contains("install ffmpeg", e.Message);
    }

    [Fact]
    public async Task Cancellation_kills_a_run_that_waits_forever()
    {
        // ffprobe opening a FIFO blocks until a writer comes, which never happens.
        string fifo = MediaLoaderTests.MakeFifo(RandomModels.NewTempDir("ff-cancel"), "never.mp4");
        using var cts = new CancellationTokenSource();
        var run = FfmpegProcess.RunAsync("ffprobe", ["-loglevel", "error", "file:" + fifo], 1 << 20, Long, cts.Token);
        await WaitUntilAsync(() => ProcessesMentioning(fifo).Count > 0);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        await WaitUntilAsync(() => ProcessesMentioning(fifo).Count == 0);
    }

    [Fact]
    public async Task The_timeout_kills_the_run_with_a_typed_error()
    {
        string fifo = MediaLoaderTests.MakeFifo(RandomModels.NewTempDir("ff-timeout"), "never.mp4");
        var e = await Assert.ThrowsAsync<InvalidMediaException>(() =>
            FfmpegProcess.RunAsync("ffprobe", ["-loglevel", "error", "file:" + fifo], 1 << 20, TimeSpan.FromMilliseconds(300), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("ToolTimeout", e.Message);
        await WaitUntilAsync(() => ProcessesMentioning(fifo).Count == 0);
    }

    [Fact]
    public async Task Output_over_the_cap_stops_the_run_with_a_typed_error()
    {
        var e = await Assert.ThrowsAsync<InvalidMediaException>(() => FfmpegProcess.RunAsync("ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=red:s=640x480:d=100", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"],
            1 << 20, Long, CancellationToken.None));
        Assert.Contains("MaxDecodedBytes", e.Message);
    }
}
