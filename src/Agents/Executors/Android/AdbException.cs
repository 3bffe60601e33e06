namespace Glm4vSK.Agents.Executors;

/// <summary>
/// An <c>adb</c> call failed in a way the agent cannot work around (adb missing, no device, device offline or
/// unauthorized, timeout). The message says what to do; <see cref="Command"/>, <see cref="GuiExecutorException.ExitCode"/> and
/// <see cref="StandardError"/> say what happened.
/// </summary>
public sealed class AdbException : GuiExecutorException
{
    /// <summary>Creates the exception.</summary>
    public AdbException(AdbErrorKind kind, string message, string command, int? exitCode = null, string? standardError = null, Exception? innerException = null)
        : base(GuiPlatform.Android, message, exitCode, standardError, innerException)
    {
        Kind = kind;
        Command = command;
    }

    /// <summary>What went wrong.</summary>
    public AdbErrorKind Kind { get; }

    /// <summary>The command line as it was run (for messages only: it was started with an argument list).</summary>
    public string Command { get; }

    /// <summary>What adb wrote to standard error (trimmed; empty when nothing). Never null, unlike the base's.</summary>
    public new string StandardError => base.StandardError ?? "";
}
