namespace Glm4vSK.Agents.Executors;

/// <summary>
/// <c>xdotool</c> could not be started, failed (non-zero exit) or did not finish in time. The message says what to
/// do (install <c>xdotool</c>, set <see cref="X11ExecutorOptions.XdotoolPath"/>, check the display).
/// </summary>
public sealed class XdotoolException : GuiExecutorException
{
    /// <summary>Creates the exception.</summary>
    public XdotoolException(string message, IReadOnlyList<string> arguments, int? exitCode = null, string? standardError = null, Exception? innerException = null)
        : base(GuiPlatform.Desktop, message, exitCode, standardError, innerException) => Arguments = arguments;

    /// <summary>The arguments xdotool was given.</summary>
    public IReadOnlyList<string> Arguments { get; }
}
