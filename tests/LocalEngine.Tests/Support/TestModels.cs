using Glm4vSK.LocalEngine.Testing;
using Glm4vSK.LocalEngine.Tests.Fixtures;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Support;

/// <summary>
/// Model directories for the loading tests — random checkpoints shaped like the reference tiny model, written by the
/// tests themselves so that they hold for any fixture set — and helpers to rewrite their weights.
/// </summary>
public static class TestModels
{
    /// <summary>fp32, two shards + index, with generation and preprocessor configs.</summary>
    public static string TinySharded => RandomModels.Dir("fixture-shaped-sharded", TinyCheckpoint.FixtureShapedConfig, ScalarType.Float32, shards: 2, WithPreprocessor);
    /// <summary>BF16, single file.</summary>
    public static string TinyBf16 => RandomModels.Dir("fixture-shaped-bf16", TinyCheckpoint.FixtureShapedConfig, ScalarType.BFloat16, shards: 1, WithPreprocessor);

    static void WithPreprocessor(string dir) => TinyCheckpoint.WritePreprocessorConfig(dir);

    public static string Model(string name)
    {
        string dir = Path.Combine(FixtureRoot.Require(), "models", name);
        Assert.True(File.Exists(Path.Combine(dir, "config.json")), $"fixture model '{dir}' is missing (a missing fixture is a failure).");
        return dir;
    }

    /// <summary>Every tensor of a checkpoint, copied out of the mapping (name order), so the files can be closed.</summary>
    public static List<KeyValuePair<string, Tensor>> ReadAll(string modelDir)
    {
        using var cp = Checkpoint.Open(modelDir);
        var list = new List<KeyValuePair<string, Tensor>>();
        foreach (var name in cp.TensorNames.OrderBy(n => n, StringComparer.Ordinal))
        {
            using var view = cp.Read(name);
            list.Add(new(name, view.clone().DetachFromDisposeScope()));
        }
        return list;
    }

    /// <summary>
    /// Writes a single-file model into <paramref name="dstDir"/>: the json files of <paramref name="srcModelDir"/>
    /// and <paramref name="tensors"/> as model.safetensors.
    /// </summary>
    public static string WriteSingleFile(string srcModelDir, string dstDir, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        Directory.CreateDirectory(dstDir);
        foreach (var json in Directory.GetFiles(srcModelDir, "*.json"))
        {
            if (Path.GetFileName(json) == Checkpoint.IndexFileName) continue;
            File.Copy(json, Path.Combine(dstDir, Path.GetFileName(json)), overwrite: true);
        }
        SafetensorsWriter.Write(Path.Combine(dstDir, Checkpoint.SingleFileName), tensors);
        return dstDir;
    }

    /// <summary>Rewrites a fixture model as one file after <paramref name="edit"/> changed its tensor list.</summary>
    public static string Rewrite(string srcModelDir, string dstDir,
        Func<List<KeyValuePair<string, Tensor>>, IEnumerable<KeyValuePair<string, Tensor>>> edit)
    {
        var all = ReadAll(srcModelDir);
        try
        {
            return WriteSingleFile(srcModelDir, dstDir, edit(all).ToList());
        }
        finally
        {
            foreach (var t in all) t.Value.Dispose();
        }
    }

    public static void DisposeAll(IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        foreach (var t in tensors) t.Value.Dispose();
    }
}
