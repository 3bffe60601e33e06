namespace Glm4vSK.Agents.Executors;

/// <summary>
/// The X display cannot be used: it does not answer, libX11 is missing, or its pixel format is not supported.
/// The message names the display and says what to do (start <c>Xvfb</c>, set <c>DISPLAY</c>, install <c>libx11-6</c>).
/// </summary>
public sealed class X11DisplayException : GuiExecutorException
{
    /// <summary>Creates the exception for <paramref name="display"/>.</summary>
    public X11DisplayException(string? display, string message, Exception? innerException = null)
        : base(GuiPlatform.Desktop, message, innerException: innerException) => Display = display;

    /// <summary>The display name (<c>:99</c>), or <see langword="null"/> when none was configured.</summary>
    public string? Display { get; }
}
