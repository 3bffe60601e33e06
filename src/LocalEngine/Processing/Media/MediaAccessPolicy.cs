namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Where media referenced by URI may come from. Nothing is allowed by default: inline data (<c>DataContent</c>) always
/// works; local files only under <see cref="AllowedFileRoots"/>; http(s) URLs only when <see cref="AllowRemoteUrls"/>
/// is set (and, if <see cref="AllowedHosts"/> is non-empty, only from those hosts). Every redirect hop is checked
/// against the same rules.
/// </summary>
public sealed record MediaAccessPolicy
{
    /// <summary>Directories whose regular files (after resolving symbolic links) messages may reference.</summary>
    public IReadOnlyList<string> AllowedFileRoots { get; init; } = [];
    public bool AllowRemoteUrls { get; init; }
    /// <summary>With <see cref="AllowRemoteUrls"/>: the hosts allowed (empty = any), for the URL and every redirect.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];
    /// <summary>Largest image or video accepted, in bytes.</summary>
    public long MaxMediaBytes { get; init; } = 512L << 20;
    /// <summary>Most redirects followed for one URL.</summary>
    public int MaxRedirects { get; init; } = 5;

    public static MediaAccessPolicy InlineOnly { get; } = new();
}
