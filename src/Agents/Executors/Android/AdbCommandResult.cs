using System.Text;

namespace Glm4vSK.Agents.Executors;

/// <summary>What one finished adb call produced.</summary>
/// <param name="Command">The command line, for messages.</param>
/// <param name="ExitCode">adb's exit code.</param>
/// <param name="StandardOutput">Standard output as bytes (a PNG for <c>screencap -p</c>).</param>
/// <param name="StandardError">Standard error as text.</param>
internal sealed record AdbCommandResult(string Command, int ExitCode, byte[] StandardOutput, string StandardError)
{
    /// <summary>Standard output decoded as UTF-8.</summary>
    public string OutputText => Encoding.UTF8.GetString(StandardOutput);
}
