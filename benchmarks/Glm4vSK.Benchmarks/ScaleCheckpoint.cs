using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Model;
using Glm4vSK.LocalEngine.Testing;
using static TorchSharp.torch;

namespace Glm4vSK.Benchmarks;

/// <summary>
/// A random checkpoint with GLM-4.1V-9B's shapes (BF16, sharded like the hub), written tensor by tensor and each
/// tensor in row chunks, so the model is never whole in memory — a 20 GB checkpoint needs only a few hundred MB to write.
/// </summary>
internal static class ScaleCheckpoint
{
    const long ShardBytes = 4L << 30;
    const long ChunkElements = 8L << 20;

    /// <summary>Writes config, generation config and BF16 shards + index into <paramref name="dir"/>; returns the weight bytes.</summary>
    public static long Write(string dir, JsonObject config, long seed = 1234)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var parsed = Glm4vConfig.Load(dir);
        File.WriteAllText(Path.Combine(dir, "generation_config.json"),
            new JsonObject { ["pad_token_id"] = parsed.PadTokenId, ["eos_token_id"] = new JsonArray(parsed.EosTokenIds.Select(x => (JsonNode)x).ToArray()) }.ToJsonString());

        var shards = new List<List<(string Name, long[] Shape)>> { new() };
        long inShard = 0, total = 0;
        foreach (var (name, shape) in Glm4vModel.ExpectedTensors(parsed))
        {
            long bytes = shape.Aggregate(1L, (a, b) => a * b) * 2;
            if (inShard > 0 && inShard + bytes > ShardBytes) { shards.Add([]); inShard = 0; }
            shards[^1].Add((name, shape));
            inShard += bytes;
            total += bytes;
        }
        using var gen = new Generator((ulong)seed);
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            string file = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            WriteShard(Path.Combine(dir, file), shards[i], gen);
            foreach (var (name, _) in shards[i]) weightMap[name] = file;
        }
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"),
            JsonSerializer.Serialize(new { metadata = new { total_size = total }, weight_map = weightMap }), Encoding.UTF8);
        return total;
    }

    static void WriteShard(string path, List<(string Name, long[] Shape)> tensors, Generator gen)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, shape) in tensors)
        {
            long bytes = shape.Aggregate(1L, (a, b) => a * b) * 2;
            header[name] = new Dictionary<string, object> { ["dtype"] = "BF16", ["shape"] = shape, ["data_offsets"] = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int pad = (8 - json.Length % 8) % 8;
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        fs.Write(BitConverter.GetBytes((long)(json.Length + pad)));
        fs.Write(json);
        for (int i = 0; i < pad; i++) fs.WriteByte((byte)' ');
        foreach (var (name, shape) in tensors)
        {
            long rowElements = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            long rows = shape.Length == 0 ? 1 : shape[0];
            long rowsPerChunk = Math.Max(1, ChunkElements / Math.Max(1, rowElements));
            double scale = Scale(name, rowElements);
            for (long r = 0; r < rows; r += rowsPerChunk)
            {
                using var scope = NewDisposeScope();
                long n = Math.Min(rowsPerChunk, rows - r);
                long[] chunkShape = shape.Length == 0 ? [] : [n, .. shape.Skip(1)];
                var t = randn(chunkShape, generator: gen) * scale;
                if (name.Contains("norm", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal)) t = t + 1;
                using var bf = t.to(ScalarType.BFloat16).contiguous();
                fs.Write(bf.bytes);
            }
        }
    }

    /// <summary>The same scales the small random checkpoints use, so activations stay in range at depth.</summary>
    static double Scale(string name, long fanIn) =>
        name.Contains("norm", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal) ? 0.1
        : name.EndsWith(".bias", StringComparison.Ordinal) ? 0.05
        : name.Contains("embed_tokens", StringComparison.Ordinal) || name.Contains("position_embedding", StringComparison.Ordinal) ? 0.5
        : name.Contains("patch_embed", StringComparison.Ordinal) ? 0.02
        : 1 / Math.Sqrt(fanIn);
}
