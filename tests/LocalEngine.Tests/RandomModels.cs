using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Testing;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>Random checkpoints written once per test run into a temp folder (removed at process exit).</summary>
public static class RandomModels
{
    static readonly string Root = Path.Combine(Path.GetTempPath(), "glm4vsk-tests-" + Environment.ProcessId);
    static readonly ConcurrentDictionary<string, Lazy<string>> Dirs = new();

    static RandomModels() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    };

    /// <summary>A model directory for <paramref name="config"/> (cached by <paramref name="name"/>).</summary>
    public static string Dir(string name, Func<JsonObject> config, ScalarType dtype = ScalarType.Float32, int shards = 1, Action<string>? extra = null) =>
        Dirs.GetOrAdd(name, n => new Lazy<string>(() =>
        {
            string dir = TinyCheckpoint.Write(Path.Combine(Root, n), config(), dtype, shards);
            extra?.Invoke(dir);
            return dir;
        })).Value;

    /// <summary>A fresh empty temp directory under the run's root.</summary>
    public static string NewTempDir(string prefix)
    {
        string d = Path.Combine(Root, prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Named configurations that differ from the fixtures in every dimension the model is generic over.</summary>
    public static readonly IReadOnlyDictionary<string, Func<JsonObject>> Configs = new Dictionary<string, Func<JsonObject>>
    {
        ["l1-h64-mrope211"] = () => TinyCheckpoint.Config(layers: 1, hidden: 64, heads: 4, kvHeads: 4, mropeSection: [2, 1, 1]),
        ["l3-h96-gqa3-theta5e5"] = () => TinyCheckpoint.Config(layers: 3, hidden: 96, heads: 3, kvHeads: 1, mropeSection: [2, 3, 3], ropeTheta: 500000),
        ["l2-h128-mrope2-legacy"] = () => TinyCheckpoint.Config(layers: 2, hidden: 128, heads: 2, kvHeads: 1, mropeSection: [8, 8], legacyRope: true, imageSize: 84),
        ["l2-vision3-flat"] = () => TinyCheckpoint.Config(layers: 2, hidden: 64, heads: 4, kvHeads: 2, visionDepth: 3, visionHidden: 48, visionHeads: 3, flat: true),
        ["moe-e8-top2"] = () => TinyCheckpoint.MoeConfig(),
        ["moe-e16-top4-groups4-scaled"] = () => TinyCheckpoint.MoeConfig(layers: 3, experts: 16, topK: 4, nGroup: 4, topkGroup: 2, routedScaling: 2.5, normTopk: false, sharedExperts: 2, headDim: 16, mropeSection: [2, 1, 1]),
        // transformers' own tiny test config merges 1×1 patches (no 2×2 downsampling).
        ["l2-merge1-fullrope"] = () =>
        {
            var c = TinyCheckpoint.Config(layers: 2, hidden: 64, heads: 4, kvHeads: 1, mropeSection: [4, 2, 2], imageSize: 56);
            c["vision_config"]!["spatial_merge_size"] = 1;
            c["text_config"]!["rope_parameters"]!["partial_rotary_factor"] = 1.0;   // every channel rotates
            return c;
        },
    };
}
