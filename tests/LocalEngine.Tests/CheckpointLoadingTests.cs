using System.Reflection;
using Glm4vSK.LocalEngine.Model;
using Glm4vSK.LocalEngine.Testing;
using Glm4vSK.LocalEngine.Tests.Support;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// The storage variants of a checkpoint load the same model: sharded or single file, F32/BF16/F16 stored, upcast or
/// kept in the stored dtype, and F32 weights loaded as Float32 on CPU stay views of the memory-mapped file.
/// </summary>
public sealed class CheckpointLoadingTests
{
    [Fact]
    public void Sharded_and_single_file_checkpoints_give_identical_logits()
    {
        using var tmp = new TempDir();
        string single = TestModels.Rewrite(TestModels.TinySharded, tmp.Sub("single"), all => all);
        using (var cp = Checkpoint.Open(TestModels.TinySharded)) Assert.Equal(2, cp.Files.Count);
        using (var cp = Checkpoint.Open(single)) Assert.Single(cp.Files);

        using var sharded = Glm4vEngine.Load(TestModels.TinySharded);
        using var one = Glm4vEngine.Load(single);
        using var a = ProbePrompt.Logits(sharded);
        using var b = ProbePrompt.Logits(one);
        ProbePrompt.AssertIdentical("single-file vs sharded logits", a, b);
    }

    [Fact]
    public void Shards_without_an_index_are_all_read()
    {
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        File.Delete(Path.Combine(dir, Checkpoint.IndexFileName));
        using (var cp = Checkpoint.Open(dir)) Assert.Equal(2, cp.Files.Count);

        using var noIndex = Glm4vEngine.Load(dir);
        using var sharded = Glm4vEngine.Load(TestModels.TinySharded);
        using var a = ProbePrompt.Logits(sharded);
        using var b = ProbePrompt.Logits(noIndex);
        ProbePrompt.AssertIdentical("logits without index", a, b);
    }

    [Fact]
    public void Bf16_checkpoint_keeps_its_dtype_when_DType_is_null()
    {
        using var engine = Glm4vEngine.Load(TestModels.TinyBf16);
        Assert.Null(engine.Options.DType);
        Assert.Equal(ScalarType.BFloat16, engine.DType);
    }

    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    public void Half_precision_checkpoint_upcast_to_Float32_equals_an_fp32_copy_of_the_same_values(ScalarType stored)
    {
        using var tmp = new TempDir();
        string half = stored == ScalarType.BFloat16
            ? TestModels.TinyBf16
            : TinyCheckpoint.Write(tmp.Sub("f16"), TinyCheckpoint.Config(), ScalarType.Float16);
        using (var cp = Checkpoint.Open(half))
            Assert.All(cp.Files.SelectMany(f => f.Entries), e => Assert.Equal(stored, e.ScalarType));
        // The same values stored as F32: what an exact upcast must reproduce.
        string f32 = TestModels.Rewrite(half, tmp.Sub("f32"),
            all => all.Select(t => new KeyValuePair<string, Tensor>(t.Key, t.Value.to(ScalarType.Float32))));

        using var upcast = Glm4vEngine.Load(half, new EngineOptions { DType = ScalarType.Float32 });
        using var reference = Glm4vEngine.Load(f32);
        Assert.Equal(ScalarType.Float32, upcast.DType);
        Assert.Equal(ScalarType.Float32, reference.DType);
        using var a = ProbePrompt.Logits(reference);
        using var b = ProbePrompt.Logits(upcast);
        ProbePrompt.AssertIdentical($"{stored} checkpoint upcast to Float32", a, b);

        // Default (null) keeps the stored dtype and computes in it: same answer within a half-precision band.
        using var native = Glm4vEngine.Load(half);
        Assert.Equal(stored, native.DType);
        using var c = ProbePrompt.Logits(native);
        TensorAssert.Close($"{stored} compute vs Float32 compute", c, a, atol: 0.15, rtol: 0.05);
        Assert.True(c.isfinite().all().item<bool>(), $"{stored} logits contain non-finite values.");
    }

    [Fact]
    public void Float32_checkpoint_can_be_loaded_as_BFloat16()
    {
        using var engine = Glm4vEngine.Load(TestModels.TinySharded, new EngineOptions { DType = ScalarType.BFloat16 });
        Assert.Equal(ScalarType.BFloat16, engine.DType);
        using var f32 = Glm4vEngine.Load(TestModels.TinySharded);
        Assert.Equal(ScalarType.Float32, f32.DType);
        using var a = ProbePrompt.Logits(f32);
        using var b = ProbePrompt.Logits(engine);
        TensorAssert.Close("bf16 compute vs fp32 compute", b, a, atol: 0.15, rtol: 0.05);
    }

    [Fact]
    public void Unsupported_compute_dtype_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Glm4vEngine.Load(TestModels.TinySharded, new EngineOptions { DType = ScalarType.Int32 }));
        Assert.Contains("Int32", e.Message);
    }

    // ---- zero-copy -------------------------------------------------------------------------------------------------

    [Fact]
    public void Float32_weights_loaded_as_Float32_on_cpu_are_views_of_the_mapped_file()
    {
        Assert.SkipUnless(File.Exists("/proc/self/maps"), "needs /proc/self/maps (Linux) to see the file mappings");
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded); // own copy: only this test maps these files
        string shard = Path.Combine(dir, "model-00001-of-00002.safetensors");
        const string name = "model.language_model.layers.1.mlp.down_proj.weight";
        using var cp = Checkpoint.Open(dir);
        var entry = cp.Entry(name);
        long headerLength = BitConverter.ToInt64(File.ReadAllBytes(shard).AsSpan(0, 8));

        var loader = new WeightLoader(cp, ScalarType.Float32, CPU, numHiddenLayers: 2, progress: null);
        using var kept = loader.Take(name, entry.Shape);
        var region = Assert.Single(Mappings(shard));
        nint address = DataAddress(kept);
        Assert.True(address >= region.Start && address + entry.End - entry.Begin <= region.End,
            $"{name} at 0x{address:x} is not inside the mapping of {Path.GetFileName(shard)} [0x{region.Start:x}, 0x{region.End:x}).");
        Assert.Equal(region.Start + 8 + headerLength + entry.Begin, address); // exactly where the file holds it

        // Control: a dtype conversion must copy, so the same check fails for it.
        var converting = new WeightLoader(cp, ScalarType.BFloat16, CPU, numHiddenLayers: 2, progress: null);
        using var copied = converting.Take(name, entry.Shape);
        nint copyAddress = DataAddress(copied);
        Assert.False(copyAddress >= region.Start && copyAddress < region.End, "a converted weight still points into the mapping");
    }

    [Fact]
    public void Engine_keeps_Float32_weights_in_the_mapping_and_copies_converted_ones()
    {
        Assert.SkipUnless(File.Exists("/proc/self/maps"), "needs /proc/self/maps (Linux) to see the file mappings");
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        string shard = Path.Combine(dir, "model-00001-of-00002.safetensors");
        // Glm4vModel keeps the token embedding in a private field; reach it by reflection (fails loudly if renamed).
        var field = typeof(Glm4vModel).GetField("_embed", BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.NotNull(field);

        using (var engine = Glm4vEngine.Load(dir, new EngineOptions { DType = ScalarType.Float32 }))
        {
            var embed = (Tensor)field.GetValue(engine.Model)!;
            var region = Assert.Single(Mappings(shard));
            nint address = DataAddress(embed);
            Assert.True(address >= region.Start && address + embed.NumberOfElements * 4 <= region.End,
                $"embed_tokens at 0x{address:x} is not inside the mapping [0x{region.Start:x}, 0x{region.End:x}): it was copied.");
        }
        using (var bf16 = Glm4vEngine.Load(dir, new EngineOptions { DType = ScalarType.BFloat16 }))
        {
            var embed = (Tensor)field.GetValue(bf16.Model)!;
            Assert.Equal(ScalarType.BFloat16, embed.dtype);
            nint address = DataAddress(embed);
            Assert.DoesNotContain(Mappings(shard), r => address >= r.Start && address < r.End);
        }
    }

    static unsafe nint DataAddress(Tensor t)
    {
        Assert.True(t.is_contiguous());
        fixed (byte* p = t.bytes) return (nint)p;
    }

    /// <summary>Address ranges of this process's mappings of <paramref name="file"/>, from /proc/self/maps.</summary>
    static List<(nint Start, nint End)> Mappings(string file)
    {
        // Compare the last two path components: the temp folder may sit behind a symlink that /proc shows resolved.
        string suffix = "/" + Path.GetFileName(Path.GetDirectoryName(file)) + "/" + Path.GetFileName(file);
        var result = new List<(nint, nint)>();
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6 || !parts[5].Trim().EndsWith(suffix, StringComparison.Ordinal)) continue;
            var range = parts[0].Split('-');
            result.Add(((nint)Convert.ToInt64(range[0], 16), (nint)Convert.ToInt64(range[1], 16)));
        }
        return result;
    }
}
