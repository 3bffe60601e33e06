namespace Glm4vSK.Agents.Executors;

/// <summary>The browser could not be started or the page is gone; the message says what to do.</summary>
public sealed class WebExecutorException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebExecutorException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
