using System.ComponentModel;
using System.Diagnostics;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Runs a helper tool with an argument list (never a shell string), captures stdout and stderr, and kills the
/// whole process tree when cancelled or past its time limit.
/// </summary>
internal static class ToolProcess
{
    /// <summary>The result of a finished run.</summary>
    internal readonly record struct Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> and the extra <paramref name="environment"/>
    /// variables, and waits for it. Throws <see cref="Win32Exception"/> when it cannot be started,
    /// <see cref="TimeoutException"/> past <paramref name="timeout"/>, <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> fires (the process tree is killed in both cases).
    /// </summary>
    internal static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var psi = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
        };
        foreach (string argument in arguments) psi.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment) psi.Environment[key] = value;

        using var process = Process.Start(psi) ?? throw new Win32Exception($"Process.Start returned no process for '{fileName}'.");
        process.StandardInput.Close();

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan) limit.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{fileName}' did not finish within {timeout.TotalSeconds:0.###} s and was killed.");
        }
        return new Result(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(2000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
