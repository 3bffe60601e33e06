namespace Glm4vSK.Agents.Executors;

/// <summary>
/// The target a GUI executor drives broke: the browser, the X display or tool, or the Android device cannot be used.
/// Catch this to handle "the target broke" for every executor; the derived types say more.
/// </summary>
public abstract class GuiExecutorException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="platform">The executor's target.</param>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="exitCode">The tool process's exit code, when one ran to the end.</param>
    /// <param name="standardError">What the tool process wrote to standard error, when one ran.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected GuiExecutorException(GuiPlatform platform, string message, int? exitCode = null, string? standardError = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Platform = platform;
        ExitCode = exitCode;
        StandardError = standardError;
    }

    /// <summary>The kind of target that broke.</summary>
    public GuiPlatform Platform { get; }

    /// <summary>The tool process's exit code, or <see langword="null"/> when no process was involved, it did not start or it was killed.</summary>
    public int? ExitCode { get; }

    /// <summary>What the tool process wrote to standard error, or <see langword="null"/> when no process was involved.</summary>
    public string? StandardError { get; }
}
