using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>What one ffmpeg/ffprobe run left: exit code, everything it wrote to stdout, and the end of its stderr.</summary>
internal sealed record FfmpegResult(int ExitCode, byte[] Output, string Errors)
{
    /// <summary>The last lines of stderr, for error messages.</summary>
    public string ErrorTail => string.Join(" | ", Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(2));
}

/// <summary>
/// Runs the system's ffmpeg or ffprobe with an argument list (never one command string, so a file name is never split
/// into options), stdin closed, stdout collected as bytes up to a cap, stderr kept for errors. Cancellation and the
/// timeout kill the whole process tree.
/// </summary>
internal static class FfmpegProcess
{
    /// <summary>Keep at most this much of stderr (its end is what explains a failure).</summary>
    const int MaxErrorChars = 64 * 1024;

    public static async Task<FfmpegResult> RunAsync(string tool, IEnumerable<string> arguments, long maxOutputBytes, TimeSpan timeout, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var process = new Process { StartInfo = psi };
        try { process.Start(); }
        catch (Win32Exception e)
        {
            throw new InvalidMediaException($"{tool} could not be started ({e.Message}): install ffmpeg (it provides ffmpeg and ffprobe) and put it on PATH to use video input.", mediaType: "video", inner: e);
        }
        process.StandardInput.Close();

        using var timeoutCts = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
        var output = new MemoryStream();
        bool overflow = false;
        var stdout = Task.Run(async () =>
        {
            var chunk = new byte[1 << 16];
            int n;
            while ((n = await process.StandardOutput.BaseStream.ReadAsync(chunk, linked.Token).ConfigureAwait(false)) > 0)
            {
                if (output.Length + n > maxOutputBytes) { overflow = true; Kill(process); return; }
                output.Write(chunk, 0, n);
            }
        }, CancellationToken.None);
        var stderr = Task.Run(async () =>
        {
            var text = new StringBuilder();
            var chunk = new char[4096];
            int n;
            while ((n = await process.StandardError.ReadAsync(chunk, linked.Token).ConfigureAwait(false)) > 0)
            {
                text.Append(chunk, 0, n);
                if (text.Length > 2 * MaxErrorChars) text.Remove(0, text.Length - MaxErrorChars);
            }
            return text.ToString();
        }, CancellationToken.None);

        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            // Reap it and let the readers finish, so nothing of the run outlives the call.
            try { await Task.WhenAll(process.WaitForExitAsync(CancellationToken.None), stdout, stderr).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException or IOException) { }
            ct.ThrowIfCancellationRequested();
            throw new InvalidMediaException($"{tool} did not finish within {timeout.TotalSeconds:0.#} s (VideoDecoder.ToolTimeout); the video is too long or not readable.", mediaType: "video");
        }
        if (overflow)
            throw new InvalidMediaException($"{tool} wrote more than {maxOutputBytes >> 20} MiB; the video is too large to decode (VideoDecoder.MaxDecodedBytes).", mediaType: "video");
        string errors = await stderr.ConfigureAwait(false);
        return new FfmpegResult(process.ExitCode, output.ToArray(), errors.Length > MaxErrorChars ? errors[^MaxErrorChars..] : errors);
    }

    static void Kill(Process process)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }   // already exited
        catch (Win32Exception) { }
    }
}
