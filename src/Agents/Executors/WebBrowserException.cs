namespace Glm4vSK.Agents.Executors;

/// <summary>
/// The browser for a <see cref="PlaywrightWebExecutor"/> could not be started or used: the Chromium executable is
/// missing, Playwright's driver is missing, the launch failed or the start page did not load. The message names the
/// path or URL and says what to do (for example <c>apt-get install chromium</c>).
/// </summary>
public sealed class WebBrowserException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebBrowserException(string message, string? executablePath = null, Exception? innerException = null)
        : base(message, innerException) => ExecutablePath = executablePath;

    /// <summary>The browser executable involved, when the failure concerns it.</summary>
    public string? ExecutablePath { get; }
}
