namespace Glm4vSK.LocalEngine;

/// <summary>
/// Finds a model on disk: a directory path, or a Hugging Face hub id ("zai-org/GLM-4.1V-9B-Thinking") resolved in the
/// local hub cache (<c>$HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>), snapshot
/// of <c>refs/main</c> or the newest one. Nothing is downloaded.
/// </summary>
public static class ModelLocator
{
    public static string Resolve(string modelDirOrHubId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirOrHubId);
        if (Directory.Exists(modelDirOrHubId)) return Path.GetFullPath(modelDirOrHubId);
        string[] parts = modelDirOrHubId.Split('/');
        bool looksLikeHubId = parts.Length == 2 && parts.All(p => p.Length > 0 && p.All(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.'));
        if (!looksLikeHubId)
            throw new Glm4vException($"Model directory '{modelDirOrHubId}' does not exist.");
        string cache = Path.GetFullPath(HubCacheDirectory()); // a relative HF_HUB_CACHE / HF_HOME must not leak into the result
        string repo = Path.Combine(cache, $"models--{parts[0]}--{parts[1]}");
        string snapshots = Path.Combine(repo, "snapshots");
        if (Directory.Exists(snapshots))
        {
            string refMain = Path.Combine(repo, "refs", "main");
            if (File.Exists(refMain))
            {
                string rev = File.ReadAllText(refMain).Trim();
                string snap = Path.Combine(snapshots, rev);
                if (rev.Length > 0 && Directory.Exists(snap)) return snap;
            }
            var newest = new DirectoryInfo(snapshots).GetDirectories().OrderByDescending(d => d.LastWriteTimeUtc).FirstOrDefault();
            if (newest is not null) return newest.FullName;
        }
        throw new Glm4vException(
            $"'{modelDirOrHubId}' is neither a directory nor a model in the Hugging Face cache at '{cache}'. " +
            $"This library does not download weights: fetch them first (for example `hf download {modelDirOrHubId}`) or pass the model directory.");
    }

    public static string HubCacheDirectory()
    {
        string? hub = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        if (!string.IsNullOrEmpty(hub)) return hub;
        string? home = Environment.GetEnvironmentVariable("HF_HOME");
        if (!string.IsNullOrEmpty(home)) return Path.Combine(home, "hub");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface", "hub");
    }
}
