namespace Glm4vSK.LocalEngine;

/// <summary>A message referenced a local file outside the allowed roots, or a URL the application did not allow.</summary>
public sealed class MediaAccessDeniedException : Glm4vException
{
    public MediaAccessDeniedException(string message, string location) : base(message) => Location = location;

    /// <summary>The path or URL that was refused.</summary>
    public string Location { get; }
}
