using System.Text.RegularExpressions;

namespace Glm4vSK.LocalEngine.Hub;

/// <summary>
/// Downloads the files of a Hugging Face model repository that the engine needs into the hub cache shared with
/// Python's <c>huggingface_hub</c> (same protocol, same layout, same environment variables), and returns the snapshot
/// directory that <see cref="Glm4vEngine.Load"/> reads.
/// </summary>
public static partial class HubDownloader
{
    /// <summary>
    /// Downloads (or finds in the cache) <paramref name="repoId"/> at <paramref name="revision"/> (a branch, a tag or a
    /// commit hash; default "main") and returns its snapshot directory,
    /// <c>{cache}/models--{org}--{name}/snapshots/{commit}</c>. Files already cached are not transferred again; a cut
    /// transfer resumes from its <c>.incomplete</c> file (also in a later call). With <see cref="HubOptions.Offline"/>
    /// only the cache is used; when the hub cannot be reached, a cached snapshot of the revision is used.
    /// </summary>
    /// <exception cref="HubException">Why the download failed (<see cref="HubException.Kind"/>) and what to do.</exception>
    /// <exception cref="ArgumentException">The repository id, revision or an option is malformed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled: no partial file is left in the snapshot; partial blobs stay to resume.</exception>
    public static async Task<string> DownloadModelAsync(string repoId, string? revision = null, HubOptions? options = null,
        IProgress<HubDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ValidateRepoId(repoId);
        revision = string.IsNullOrWhiteSpace(revision) ? "main" : revision.Trim();
        if (!HubPaths.IsSafeRelative(revision))
            throw new ArgumentException($"Revision '{revision}' is not a branch, tag or commit name.", nameof(revision));
        var resolved = (options ?? new HubOptions()).Resolve();
        var cache = new HubRepoCache(resolved.CacheDirectory!, repoId);
        cancellationToken.ThrowIfCancellationRequested();

        if (resolved.Offline == true)
            return cache.CachedSnapshot(revision) ?? throw new HubException(HubErrorKind.Offline,
                $"Offline mode (HF_HUB_OFFLINE) is on and '{repoId}' at revision '{revision}' is not in the cache at '{resolved.CacheDirectory}'. " +
                "Unset HF_HUB_OFFLINE to download it, or point HF_HUB_CACHE / HF_HOME at a cache that has it.");

        using var http = new HubHttp(resolved);
        HubRepoInfo info;
        try
        {
            info = await http.GetRepoInfoAsync(repoId, revision, cancellationToken).ConfigureAwait(false);
        }
        catch (HubException e) when (e.Kind == HubErrorKind.Network && cache.CachedSnapshot(revision) is { } cached)
        {
            return cached; // as huggingface_hub: no connection, but the revision is cached
        }

        var session = new HubDownloadSession(http, cache, resolved, repoId, info.Commit, progress, cancellationToken);
        var configFiles = HubFileSelection.ConfigFiles(info, repoId, revision);
        List<string> weights;
        if (HubFileSelection.IsSharded(info, repoId, revision))
        {
            await session.FetchAsync([Checkpoint.IndexFileName]).ConfigureAwait(false); // it names the shards
            weights = HubFileSelection.Shards(cache.Pointer(info.Commit, Checkpoint.IndexFileName), info, repoId);
        }
        else weights = [Checkpoint.SingleFileName];
        await session.FetchAsync([.. configFiles, .. weights]).ConfigureAwait(false);
        // The ref moves only once the snapshot is complete: a load by branch name never finds half a model.
        cache.WriteRef(revision, info.Commit);
        return cache.Snapshot(info.Commit);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,96}(/[A-Za-z0-9_.\-]{1,96})?$")]
    private static partial Regex RepoIdPattern();

    /// <summary>huggingface_hub's validate_repo_id: "name" or "org/name", no "--" or "..", no leading or trailing '-' or '.'.</summary>
    internal static void ValidateRepoId(string repoId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repoId);
        bool ok = RepoIdPattern().IsMatch(repoId) && !repoId.Contains("--", StringComparison.Ordinal) && !repoId.Contains("..", StringComparison.Ordinal)
                  && repoId.Split('/').All(p => p[0] is not ('-' or '.') && p[^1] is not ('-' or '.'));
        if (!ok)
            throw new ArgumentException($"'{repoId}' is not a Hugging Face repository id: use \"organisation/name\" (letters, digits, '-', '_', '.'), e.g. zai-org/GLM-4.6V-Flash.", nameof(repoId));
    }

    /// <summary>Whether a write failed because the disk is full (ENOSPC on Unix, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows).</summary>
    internal static bool IsDiskFull(IOException e) =>
        OperatingSystem.IsWindows() ? (e.HResult & 0xFFFF) is 0x70 or 0x27 : e.HResult == 28;
}
