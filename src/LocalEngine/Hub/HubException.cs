namespace Glm4vSK.LocalEngine.Hub;

/// <summary>A Hugging Face download failed; <see cref="Kind"/> says why and the message says what to do.</summary>
public sealed class HubException : Glm4vException
{
    public HubException(HubErrorKind kind, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    public HubErrorKind Kind { get; }
    /// <summary>The HTTP status that caused it, when one did.</summary>
    public int? StatusCode { get; }
}
