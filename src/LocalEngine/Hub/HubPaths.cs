namespace Glm4vSK.LocalEngine.Hub;

/// <summary>
/// Checks on names that come from the hub (sibling files, weight-index shards, ETags, commits, revisions) before they
/// become paths: none may leave the folder it is joined to.
/// </summary>
internal static class HubPaths
{
    /// <summary>A relative '/'-separated path: no empty, "." or ".." segment, no root, drive, backslash or control character.</summary>
    public static bool IsSafeRelative(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 1024) return false;
        if (name.StartsWith('/') || Path.IsPathRooted(name)) return false;
        return name.Split('/').All(IsSafeSegment);
    }

    /// <summary>One path segment: not empty, not "." or "..", no separator, colon or control character.</summary>
    public static bool IsSafeSegment(string segment) =>
        segment.Length is > 0 and <= 255 && segment is not "." and not ".."
        && !segment.Any(c => c is '/' or '\\' or ':' || char.IsControl(c));

    /// <summary>Whether <paramref name="path"/> lies inside <paramref name="root"/> once both are made full.</summary>
    public static bool IsInside(string root, string path)
    {
        string r = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(path).StartsWith(r, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
