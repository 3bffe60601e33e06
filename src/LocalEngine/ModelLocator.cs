using Glm4vSK.LocalEngine.Hub;

namespace Glm4vSK.LocalEngine;

/// <summary>
/// Finds a model on disk: a directory path, or a Hugging Face hub id ("zai-org/GLM-4.1V-9B-Thinking") resolved in the
/// local hub cache (<c>$HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>), snapshot
/// of <c>refs/main</c> or the newest one. <see cref="Resolve(string)"/> downloads nothing;
/// <see cref="ResolveAsync"/> with <c>download: true</c> fetches a hub id through <see cref="HubDownloader"/>.
/// </summary>
public static class ModelLocator
{
    public static string Resolve(string modelDirOrHubId) => Resolve(modelDirOrHubId, hub: null);

    static string Resolve(string modelDirOrHubId, HubOptions? hub)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirOrHubId);
        if (Directory.Exists(modelDirOrHubId)) return Path.GetFullPath(modelDirOrHubId);
        if (!LooksLikeHubId(modelDirOrHubId))
            throw new Glm4vException($"Model directory '{modelDirOrHubId}' does not exist.");
        // A relative HF_HUB_CACHE / HF_HOME must not leak into the result.
        string cache = Path.GetFullPath(hub?.CacheDirectory ?? HubCacheDirectory());
        var repoCache = new HubRepoCache(cache, modelDirOrHubId);
        if (Directory.Exists(repoCache.SnapshotsDirectory))
        {
            if (repoCache.CommitFor("main") is { } rev && Directory.Exists(repoCache.Snapshot(rev))) return repoCache.Snapshot(rev);
            var newest = new DirectoryInfo(repoCache.SnapshotsDirectory).GetDirectories().OrderByDescending(d => d.LastWriteTimeUtc).FirstOrDefault();
            if (newest is not null) return newest.FullName;
        }
        throw new Glm4vException(
            $"'{modelDirOrHubId}' is neither a directory nor a model in the Hugging Face cache at '{cache}'. " +
            "This library does not download weights unless asked: set EngineOptions.Download = true (the DI setting " +
            "'Download', the glm4v command's --download), run `glm4v download " + modelDirOrHubId + "` (or `hf download " + modelDirOrHubId + "`), or pass the model directory.");
    }

    /// <summary>
    /// Like <see cref="Resolve(string)"/>; with <paramref name="download"/> a hub id that is not a local directory is
    /// downloaded (or brought up to date) into the hub cache with <paramref name="hub"/>'s settings and its snapshot returned.
    /// </summary>
    public static async Task<string> ResolveAsync(string modelDirOrHubId, bool download, HubOptions? hub = null,
        IProgress<HubDownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirOrHubId);
        if (!download || Directory.Exists(modelDirOrHubId) || !LooksLikeHubId(modelDirOrHubId)) return Resolve(modelDirOrHubId, hub);
        return await HubDownloader.DownloadModelAsync(modelDirOrHubId, revision: null, hub, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"org/name": two non-empty parts of letters, digits, '-', '_' and '.'.</summary>
    static bool LooksLikeHubId(string s)
    {
        string[] parts = s.Split('/');
        return parts.Length == 2 && parts.All(p => p.Length > 0 && p is not "." and not ".." && p.All(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.'));
    }

    /// <summary>The hub cache the environment names, as huggingface_hub finds it.</summary>
    public static string HubCacheDirectory() => HubEnvironment.CacheDirectory();
}
