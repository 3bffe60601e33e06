using System.Text.RegularExpressions;

namespace Glm4vSK.LocalEngine.Hub;

/// <summary>
/// One repository's folder in the hub cache, laid out exactly as Python's <c>huggingface_hub</c> lays it out so that
/// either tool reuses the other's downloads: <c>models--{org}--{name}/blobs/{etag}</c> (the content, named by its git
/// sha1 or, for LFS files, its sha256), <c>snapshots/{commit}/{file}</c> (a relative symlink to <c>../../blobs/{etag}</c>),
/// <c>refs/{branch or tag}</c> (the commit, no newline), <c>blobs/{etag}.incomplete</c> (a transfer to resume) and
/// <c>.no_exist/{commit}/{file}</c> (a file the hub said is not there).
/// </summary>
internal sealed partial class HubRepoCache(string cacheDirectory, string repoId)
{
    public string RepoDirectory { get; } = Path.Combine(cacheDirectory, FolderName(repoId));
    public string BlobsDirectory => Path.Combine(RepoDirectory, "blobs");
    public string SnapshotsDirectory => Path.Combine(RepoDirectory, "snapshots");

    /// <summary><c>models--org--name</c>, huggingface_hub's <c>repo_folder_name</c>.</summary>
    public static string FolderName(string repoId) => "models--" + repoId.Replace("/", "--", StringComparison.Ordinal);

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();

    /// <summary>A full commit hash (huggingface_hub's REGEX_COMMIT_HASH): used as is, never stored as a ref.</summary>
    public static bool IsCommit(string revision) => CommitPattern().IsMatch(revision);

    public string Blob(string etag) => Path.Combine(BlobsDirectory, etag);
    public string Snapshot(string commit) => Path.Combine(SnapshotsDirectory, commit);
    public string Pointer(string commit, string file) => Path.Combine(Snapshot(commit), file.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The commit a revision names in the cache: itself when it is a commit hash, else the content of refs/{revision}.</summary>
    public string? CommitFor(string revision)
    {
        if (IsCommit(revision)) return revision;
        if (!HubPaths.IsSafeRelative(revision)) return null;
        string refFile = Path.Combine(RepoDirectory, "refs", revision.Replace('/', Path.DirectorySeparatorChar));
        try
        {
            return File.Exists(refFile) && File.ReadAllText(refFile).Trim() is { Length: > 0 } c && HubPaths.IsSafeSegment(c) ? c : null;
        }
        catch (IOException) { return null; }
    }

    /// <summary>The cached snapshot of a revision, when it is there with at least the model's config.json.</summary>
    public string? CachedSnapshot(string revision)
    {
        if (CommitFor(revision) is not { } commit) return null;
        string snapshot = Snapshot(commit);
        return File.Exists(Path.Combine(snapshot, "config.json")) ? snapshot : null;
    }

    /// <summary>refs/{revision} = commit, as huggingface_hub writes it (no newline; only when it changed).</summary>
    public void WriteRef(string revision, string commit)
    {
        if (revision == commit) return;
        string refFile = Path.Combine(RepoDirectory, "refs", revision.Replace('/', Path.DirectorySeparatorChar));
        if (File.Exists(refFile) && File.ReadAllText(refFile) == commit) return;
        Directory.CreateDirectory(Path.GetDirectoryName(refFile)!);
        // Written aside then moved: a reader sees the old commit or the new one, never an empty file.
        string tmp = refFile + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(tmp, commit);
        File.Move(tmp, refFile, overwrite: true);
    }

    /// <summary>Remembers that the hub has no such file at this commit (huggingface_hub's <c>.no_exist</c> marker).</summary>
    public void MarkMissing(string commit, string file)
    {
        string marker = Path.Combine(RepoDirectory, ".no_exist", commit, file.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        using (File.Create(marker)) { }
    }

    /// <summary>
    /// Makes <paramref name="pointer"/> a relative symlink to the complete <paramref name="blob"/> (one atomic step, so a
    /// reader never sees a partial file). Where symlinks are not allowed (Windows without developer mode) the blob is
    /// copied aside and moved into place, as huggingface_hub does.
    /// </summary>
    public static void Link(string blob, string pointer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
        if (File.Exists(pointer) || new FileInfo(pointer).LinkTarget is not null) File.Delete(pointer);
        string relative = Path.GetRelativePath(Path.GetDirectoryName(pointer)!, blob);
        try
        {
            File.CreateSymbolicLink(pointer, relative);
        }
        catch (Exception e) when (OperatingSystem.IsWindows() && e is IOException or UnauthorizedAccessException)
        {
            string tmp = pointer + ".tmp-" + Guid.NewGuid().ToString("N");
            File.Copy(blob, tmp);
            File.Move(tmp, pointer, overwrite: true);
        }
    }
}
