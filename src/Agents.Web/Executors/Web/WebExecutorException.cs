using Glm4vSK.Agents.Executors;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// The browser could not be started or the page is gone: the Chromium executable is missing, Playwright's driver or
/// the browser failed to start, or the start page did not load. The message names the path or URL and says what to
/// do (for example <c>apt-get install chromium</c>).
/// </summary>
public sealed class WebExecutorException : GuiExecutorException
{
    /// <summary>Creates the exception.</summary>
    public WebExecutorException(string message, Exception? innerException = null) : base(GuiPlatform.Web, message, innerException: innerException)
    {
    }

    /// <summary>The browser executable involved, when the failure concerns it.</summary>
    public string? ExecutablePath { get; init; }
}
