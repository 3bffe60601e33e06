using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Runs adb: the one place the executor starts a process. Arguments go through
/// <see cref="ProcessStartInfo.ArgumentList"/> (never a host shell string), <c>-s serial</c> and
/// <c>ADB_SERVER_SOCKET</c> come from the options, standard output is kept as bytes, a non-zero exit code becomes an
/// <see cref="AdbException"/> whose message says what to do, and the process is killed when the call is cancelled
/// or runs past <see cref="AdbExecutorOptions.CommandTimeout"/>.
/// </summary>
internal sealed class AdbRunner
{
    private readonly AdbExecutorOptions _options;

    public AdbRunner(AdbExecutorOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AdbPath, "options.AdbPath");
        if (options.CommandTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException("options.CommandTimeout", "The command timeout must be positive.");
    }

    /// <summary><c>adb [-s serial] shell word…</c>; each word is quoted for the device shell (<see cref="AndroidShellQuoting"/>).</summary>
    public Task<AdbCommandResult> ShellAsync(CancellationToken cancellationToken, params string[] words) =>
        RunAsync(["shell", .. words.Select(AndroidShellQuoting.Quote)], cancellationToken);

    /// <summary>Runs <c>adb [-s serial] arguments…</c> and returns its output; throws <see cref="AdbException"/> on failure.</summary>
    public async Task<AdbCommandResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        cancellationToken.ThrowIfCancellationRequested();
        var psi = new ProcessStartInfo(_options.AdbPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (!string.IsNullOrEmpty(_options.Serial))
        {
            psi.ArgumentList.Add("-s");
            psi.ArgumentList.Add(_options.Serial);
        }
        foreach (string argument in arguments) psi.ArgumentList.Add(argument);
        if (!string.IsNullOrEmpty(_options.ServerSocket)) psi.Environment["ADB_SERVER_SOCKET"] = _options.ServerSocket;
        string command = Describe(psi);

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new Win32Exception("Process.Start returned no process.");
        }
        catch (Win32Exception ex)
        {
            throw new AdbException(AdbErrorKind.AdbNotFound,
                $"adb could not be started from '{_options.AdbPath}' ({ex.Message}). Install the Android platform tools " +
                "(for example `apt-get install adb` on Debian/Ubuntu) or set AdbExecutorOptions.AdbPath to the adb executable.",
                command, innerException: ex);
        }

        using (process)
        {
            // adb shell forwards standard input to the device; give it an empty one.
            try { process.StandardInput.Close(); } catch (IOException) { }
            var stdoutTask = ReadAllAsync(process.StandardOutput.BaseStream);
            var stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.CommandTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                // The pipes close when adb exits (unless it left a child holding them, which the timeout covers too).
                await Task.WhenAll(stdoutTask, stderrTask).WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                cancellationToken.ThrowIfCancellationRequested();
                throw new AdbException(AdbErrorKind.TimedOut,
                    $"`{command}` did not finish within {_options.CommandTimeout.TotalSeconds:0.###} s and was killed. " +
                    "Check that the device is responsive (`adb devices`), or raise AdbExecutorOptions.CommandTimeout.",
                    command);
            }

            var result = new AdbCommandResult(command, process.ExitCode, await stdoutTask.ConfigureAwait(false), (await stderrTask.ConfigureAwait(false)).Trim());
            if (result.ExitCode != 0) throw Failure(result);
            return result;
        }
    }

    /// <summary>Turns adb's error text into an exception that says what to do.</summary>
    internal AdbException Failure(AdbCommandResult result)
    {
        string error = result.StandardError.Length > 0 ? result.StandardError : result.OutputText.Trim();
        string detail = $" (`{result.Command}` exited with code {result.ExitCode}: {(error.Length > 0 ? error : "no output")})";
        (AdbErrorKind kind, string advice) = error switch
        {
            _ when Has(error, "no devices/emulators found") =>
                (AdbErrorKind.NoDevice, "No Android device is connected. Connect a phone with USB debugging enabled (or start an emulator) and check that `adb devices` lists it."),
            _ when Has(error, "more than one device") =>
                (AdbErrorKind.MultipleDevices, "Several Android devices are connected. Set AdbExecutorOptions.Serial to one of the serials `adb devices` lists."),
            _ when Has(error, "not found") && Has(error, "device '") =>
                (AdbErrorKind.DeviceNotFound, $"The device '{_options.Serial ?? Between(error, "device '", "'")}' is not connected. Check `adb devices` and AdbExecutorOptions.Serial."),
            _ when Has(error, "unauthorized") =>
                (AdbErrorKind.Unauthorized, "The device has not authorized this computer. Unlock it and accept the \"Allow USB debugging\" prompt, then check `adb devices`."),
            _ when Has(error, "offline") =>
                (AdbErrorKind.Offline, "The device is offline. Reconnect it (or run `adb reconnect`) and check `adb devices`."),
            _ when Has(error, "cannot connect to daemon") || Has(error, "failed to check server version") || Has(error, "cannot start server") =>
                (AdbErrorKind.ServerUnavailable, _options.ServerSocket is null
                    ? "The adb server could not be reached or started. Run `adb start-server` and check `adb devices`."
                    : $"The adb server at {_options.ServerSocket} could not be reached. Start it or correct AdbExecutorOptions.ServerSocket."),
            _ => (AdbErrorKind.CommandFailed, "adb failed."),
        };
        return new AdbException(kind, advice + detail, result.Command, result.ExitCode, result.StandardError);
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);

    private static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.OrdinalIgnoreCase);
        if (from < 0) return "";
        from += start.Length;
        int to = text.IndexOf(end, from, StringComparison.Ordinal);
        return to < 0 ? text[from..] : text[from..to];
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // It exited meanwhile.
        }
    }

    /// <summary>The command line for messages (arguments with blanks or quotes shown single-quoted).</summary>
    private static string Describe(ProcessStartInfo psi) =>
        string.Join(' ', new[] { psi.FileName }.Concat(psi.ArgumentList).Select(AndroidShellQuoting.Quote));
}
