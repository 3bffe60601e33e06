using System.Text.Json;

namespace Glm4vSK.LocalEngine.Hub;

/// <summary>Which of a repository's files the engine needs: its configs, tokenizer, chat template and weights.</summary>
internal static class HubFileSelection
{
    /// <summary>Everything besides the weights that the engine reads from a model directory, when the repository has it.</summary>
    public static readonly IReadOnlyList<string> EngineFiles =
    [
        "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "chat_template.jinja",
        "chat_template.json", "preprocessor_config.json", "video_preprocessor_config.json", "processor_config.json",
    ];

    /// <summary>The listed non-weight files the engine reads; config.json must be among them.</summary>
    public static List<string> ConfigFiles(HubRepoInfo info, string repoId, string revision)
    {
        var listed = info.Files.ToHashSet(StringComparer.Ordinal);
        if (!listed.Contains("config.json"))
            throw new HubException(HubErrorKind.FileNotFound,
                $"'{repoId}' at revision '{revision}' has no config.json: it is not a transformers model repository (use the id of a GLM-4V model, e.g. zai-org/GLM-4.6V-Flash).");
        return EngineFiles.Where(listed.Contains).ToList();
    }

    /// <summary>Whether the weights come as shards named by model.safetensors.index.json (else model.safetensors).</summary>
    public static bool IsSharded(HubRepoInfo info, string repoId, string revision)
    {
        if (info.Files.Contains(Checkpoint.IndexFileName)) return true;
        if (info.Files.Contains(Checkpoint.SingleFileName)) return false;
        throw new HubException(HubErrorKind.FileNotFound,
            $"'{repoId}' at revision '{revision}' has neither {Checkpoint.SingleFileName} nor {Checkpoint.IndexFileName}: the engine loads safetensors checkpoints only.");
    }

    /// <summary>The shards the index's weight_map names; each must be a safe relative name the repository lists.</summary>
    public static List<string> Shards(string indexFile, HubRepoInfo info, string repoId)
    {
        var shards = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(indexFile));
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("weight_map", out var map) && map.ValueKind == JsonValueKind.Object)
                foreach (var entry in map.EnumerateObject())
                    if (entry.Value.ValueKind == JsonValueKind.String) shards.Add(entry.Value.GetString()!);
        }
        catch (JsonException e)
        {
            throw new HubException(HubErrorKind.InvalidResponse, $"{Checkpoint.IndexFileName} of '{repoId}' is not valid JSON ({e.Message}).", null, e);
        }
        if (shards.Count == 0)
            throw new HubException(HubErrorKind.InvalidResponse, $"{Checkpoint.IndexFileName} of '{repoId}' names no shard in its weight_map.");
        foreach (var shard in shards)
        {
            if (!HubPaths.IsSafeRelative(shard))
                throw new HubException(HubErrorKind.InvalidResponse, $"{Checkpoint.IndexFileName} of '{repoId}' names the shard '{shard}', which would leave the snapshot folder: refused.");
            if (!info.Files.Contains(shard))
                throw new HubException(HubErrorKind.FileNotFound, $"{Checkpoint.IndexFileName} of '{repoId}' names the shard '{shard}', which the repository does not list.");
        }
        return [.. shards];
    }
}
