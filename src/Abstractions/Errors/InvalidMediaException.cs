namespace Glm4vSK.LocalEngine;

/// <summary>
/// An image or video that cannot be used: corrupt, empty, truncated, of an unsupported type, too large, too small or
/// too elongated. Names the message and content part it came from when known; nothing else of the request is lost.
/// </summary>
public sealed class InvalidMediaException : Glm4vException
{
    public InvalidMediaException(string message, int? messageIndex = null, int? partIndex = null, string? mediaType = null, Exception? inner = null)
        : base(Describe(message, messageIndex, partIndex), inner)
    {
        MessageIndex = messageIndex;
        PartIndex = partIndex;
        MediaType = mediaType;
    }

    /// <summary>0-based index of the chat message holding the media, when known.</summary>
    public int? MessageIndex { get; }
    /// <summary>0-based index of the content part within that message, when known.</summary>
    public int? PartIndex { get; }
    /// <summary>The declared media type (for example <c>image/png</c>), when known.</summary>
    public string? MediaType { get; }

    /// <summary>The same error, located at a message and part.</summary>
    public InvalidMediaException At(int messageIndex, int partIndex) =>
        new(BaseMessage, messageIndex, partIndex, MediaType, InnerException);

    string BaseMessage => MessageIndex is null && PartIndex is null ? Message : Message[(Message.IndexOf(": ", StringComparison.Ordinal) + 2)..];

    static string Describe(string message, int? m, int? p) =>
        m is null && p is null ? message : $"message {m?.ToString() ?? "?"}, part {p?.ToString() ?? "?"}: {message}";
}
