using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Testing;

namespace Glm4vSK.Benchmarks;

/// <summary>Configurations of the random checkpoints the benchmarks write.</summary>
internal static class BenchModels
{
    /// <summary>
    /// The medium dense model (≈ 0.17 B parameters): big enough that decode reads ~0.5 GB of fp32 weights per token,
    /// so the GEMVs, not the dispatch, dominate. Vision tower: 4 blocks, hidden 256.
    /// </summary>
    public static JsonObject Medium(int vocab = 32000) => TinyCheckpoint.Config(layers: 8, hidden: 1024, heads: 16, kvHeads: 2, vocab: vocab, mropeSection: [4, 6, 6],
        intermediate: 2816, visionDepth: 4, visionHidden: 256, visionHeads: 4, imageSize: 112);

    /// <summary>Writes the medium model (fp32) to a temp folder, runs <paramref name="body"/> on it, and deletes the folder.</summary>
    public static async Task<string> WithMediumCheckpointAsync(string tag, TextWriter log, Func<string, Task<string>> body)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"glm4vsk-bench-{tag}-{Environment.ProcessId}");
        try
        {
            log.WriteLine($"[{DateTime.Now:HH:mm:ss}] writing the medium random checkpoint to {dir}");
            TinyCheckpoint.Write(dir, Medium(), TorchSharp.torch.ScalarType.Float32);
            return await body(dir);
        }
        finally
        {
            try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
            catch (IOException e) { log.WriteLine($"could not delete {dir}: {e.Message}"); }
        }
    }
}
