using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Tests.Support;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// A broken checkpoint fails to load with a <see cref="CheckpointException"/> whose message and properties name the
/// file and tensor at fault. Every test mutates a temporary copy of the glm4v-tiny fixture (fp32, two shards + index).
/// </summary>
public sealed class CheckpointErrorTests
{
    const string Shard1 = "model-00001-of-00002.safetensors";
    const string Shard2 = "model-00002-of-00002.safetensors";

    static CheckpointException LoadFails(string dir, EngineOptions? options = null)
    {
        var e = Assert.Throws<CheckpointException>(() => { using var _ = Glm4vEngine.Load(dir, options); });
        Assert.IsAssignableFrom<Glm4vException>(e);
        return e;
    }

    [Fact]
    public void Missing_tensor_is_named_in_message_and_Missing()
    {
        using var tmp = new TempDir();
        const string dropped = "model.language_model.layers.1.self_attn.k_proj.bias";
        string dir = TestModels.Rewrite(TestModels.TinySharded, tmp.Sub("m"), all => all.Where(t => t.Key != dropped));

        var e = LoadFails(dir);
        Assert.Contains(dropped, e.Message);
        Assert.Equal([dropped], e.Missing);
        Assert.Empty(e.MisShaped);
        Assert.Empty(e.Unexpected);
        Assert.Contains("[64]", e.Message); // the message gives the shape the config implies (2 kv heads × head_dim 32)
    }

    [Fact]
    public void Missing_tensor_in_a_TinyCheckpoint_written_model_is_named()
    {
        using var tmp = new TempDir();
        string src = Testing.TinyCheckpoint.Write(tmp.Sub("src"), Testing.TinyCheckpoint.Config());
        const string dropped = "model.visual.merger.post_projection_norm.bias";
        string dir = TestModels.Rewrite(src, tmp.Sub("m"), all => all.Where(t => t.Key != dropped));

        var e = LoadFails(dir);
        Assert.Equal([dropped], e.Missing);
        Assert.Contains(dropped, e.Message);
    }

    [Fact]
    public void Wrong_shape_is_named_with_expected_and_found_shapes()
    {
        using var tmp = new TempDir();
        const string name = "model.language_model.layers.0.mlp.down_proj.weight"; // [128, 256]
        string dir = TestModels.Rewrite(TestModels.TinySharded, tmp.Sub("m"),
            all => all.Select(t => t.Key == name ? new KeyValuePair<string, Tensor>(t.Key, t.Value.t().contiguous()) : t));

        var e = LoadFails(dir);
        var bad = Assert.Single(e.MisShaped);
        Assert.Equal($"{name}: expected [128, 256], found [256, 128]", bad);
        Assert.Contains(name, e.Message);
        Assert.Empty(e.Missing);
        Assert.Empty(e.Unexpected);
    }

    [Fact]
    public void Every_problem_is_reported_in_one_error()
    {
        using var tmp = new TempDir();
        const string dropped = "model.visual.post_layernorm.weight";
        const string reshaped = "model.language_model.norm.weight"; // [128]
        const string extra = "model.visual.blocks.0.attn.qkv.bias"; // vision attention_bias is false: not used
        string dir = TestModels.Rewrite(TestModels.TinySharded, tmp.Sub("m"), all =>
            all.Where(t => t.Key != dropped)
               .Select(t => t.Key == reshaped ? new KeyValuePair<string, Tensor>(t.Key, zeros(127)) : t)
               .Append(new(extra, zeros(96))));

        var e = LoadFails(dir);
        Assert.Equal([dropped], e.Missing);
        Assert.Equal([$"{reshaped}: expected [128], found [127]"], e.MisShaped);
        Assert.Equal([extra], e.Unexpected);
        foreach (var n in new[] { dropped, reshaped, extra }) Assert.Contains(n, e.Message);
    }

    [Fact]
    public void Truncated_shard_names_the_shard_and_a_tensor_that_no_longer_fits()
    {
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        string shard = Path.Combine(dir, Shard2);
        long originalLength = new FileInfo(shard).Length;
        using (var fs = new FileStream(shard, FileMode.Open, FileAccess.Write)) fs.SetLength(originalLength - 100);

        var e = LoadFails(dir);
        Assert.NotNull(e.File);
        Assert.Equal(Shard2, Path.GetFileName(e.File));
        Assert.Contains(Shard2, e.Message);
        Assert.NotNull(e.Tensor);
        Assert.Contains(e.Tensor, e.Message);
        Assert.Contains("truncated", e.Message);

        // The tensor named really is one whose bytes were cut off.
        using var original = SafetensorsFile.Open(Path.Combine(TestModels.TinySharded, Shard2));
        long headerEnd = 8 + BitConverter.ToInt64(File.ReadAllBytes(shard).AsSpan(0, 8));
        Assert.True(headerEnd + original.Entry(e.Tensor).End > originalLength - 100,
            $"'{e.Tensor}' ends at data byte {original.Entry(e.Tensor).End}, which still fits the truncated file.");
    }

    [Fact]
    public void Shard_cut_inside_its_header_names_the_shard()
    {
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        string shard = Path.Combine(dir, Shard1);
        using (var fs = new FileStream(shard, FileMode.Open, FileAccess.Write)) fs.SetLength(100);

        var e = LoadFails(dir);
        Assert.Equal(Shard1, Path.GetFileName(e.File));
        Assert.Contains(Shard1, e.Message);
    }

    [Fact]
    public void Shard_listed_in_the_index_but_absent_is_named()
    {
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        File.Delete(Path.Combine(dir, Shard1));

        var e = LoadFails(dir);
        Assert.Equal(Shard1, Path.GetFileName(e.File));
        Assert.Contains(Shard1, e.Message);
        Assert.Contains(Checkpoint.IndexFileName, e.Message);
    }

    [Theory]
    [InlineData("lm_head.weight", Shard1)]                                       // exists, but in the other shard
    [InlineData("model.language_model.layers.0.mlp.extra.weight", Shard2)]       // exists nowhere
    public void Index_placing_a_tensor_in_a_shard_that_lacks_it_is_named(string tensor, string shard)
    {
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        string indexPath = Path.Combine(dir, Checkpoint.IndexFileName);
        var index = JsonNode.Parse(File.ReadAllText(indexPath))!.AsObject();
        index["weight_map"]![tensor] = shard;
        File.WriteAllText(indexPath, index.ToJsonString());

        var e = LoadFails(dir);
        Assert.Equal(tensor, e.Tensor);
        Assert.Equal(shard, Path.GetFileName(e.File));
        Assert.Contains(tensor, e.Message);
        Assert.Contains(shard, e.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("no weight_map")]
    [InlineData("weight_map entry not a string")]
    public void Malformed_index_names_the_index_file(string kind)
    {
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        string indexPath = Path.Combine(dir, Checkpoint.IndexFileName);
        File.WriteAllText(indexPath, kind switch
        {
            "not json" => "{\"weight_map\": {\"lm_head.weight\": ",
            "no weight_map" => "{\"metadata\": {\"total_size\": 1}}",
            _ => "{\"weight_map\": {\"lm_head.weight\": 3}}",
        });

        var e = LoadFails(dir);
        Assert.Equal(Checkpoint.IndexFileName, Path.GetFileName(e.File));
        Assert.Contains(Checkpoint.IndexFileName, e.Message);
    }

    [Theory]
    [InlineData("garbage header bytes")]
    [InlineData("garbage length prefix")]
    [InlineData("whole file garbage")]
    [InlineData("header is a JSON array")]
    [InlineData("entry is not an object")]
    [InlineData("unknown dtype")]
    [InlineData("offsets disagree with shape")]
    public void Corrupt_header_names_the_file(string kind)
    {
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        string shard = Path.Combine(dir, Shard2);
        var bytes = File.ReadAllBytes(shard);
        var rng = new Random(7);
        string? tensor = null;
        switch (kind)
        {
            case "garbage header bytes":
                for (int i = 8; i < 200; i++) bytes[i] = (byte)rng.Next(128, 256); // not even valid UTF-8
                break;
            case "garbage length prefix":
                rng.NextBytes(bytes.AsSpan(0, 8));
                break;
            case "whole file garbage":
                bytes = new byte[4096];
                rng.NextBytes(bytes);
                break;
            default:
                long n = BitConverter.ToInt64(bytes, 0);
                var header = JsonNode.Parse(bytes.AsSpan(8, (int)n))!.AsObject();
                tensor = "model.visual.post_layernorm.weight";
                JsonNode replacement = kind switch
                {
                    "header is a JSON array" => new JsonArray(1, 2),
                    "entry is not an object" => header.Also(h => h[tensor] = 5),
                    "unknown dtype" => header.Also(h => h[tensor]!["dtype"] = "C64"),
                    _ => header.Also(h => h[tensor]!["shape"] = new JsonArray(33)),
                };
                bytes = WithHeader(bytes, replacement.ToJsonString(), (int)n);
                if (kind == "header is a JSON array") tensor = null;
                break;
        }
        File.WriteAllBytes(shard, bytes);

        var e = LoadFails(dir);
        Assert.Equal(Shard2, Path.GetFileName(e.File));
        Assert.Contains(Shard2, e.Message);
        if (tensor is not null)
        {
            Assert.Equal(tensor, e.Tensor);
            Assert.Contains(tensor, e.Message);
        }
    }

    /// <summary>The file with its header replaced by <paramref name="json"/>, space-padded to the old header length.</summary>
    static byte[] WithHeader(byte[] file, string json, int oldLength)
    {
        var h = System.Text.Encoding.UTF8.GetBytes(json);
        Assert.True(h.Length <= oldLength, "test setup: the new header must fit the old one");
        var r = (byte[])file.Clone();
        h.CopyTo(r, 8);
        r.AsSpan(8 + h.Length, oldLength - h.Length).Fill((byte)' ');
        return r;
    }

    [Fact]
    public void Tensor_in_two_shards_names_both()
    {
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        // Rewrite shard 1 with an extra copy of lm_head.weight (shard 2 holds the real one; the index is unchanged).
        var shard1 = new List<KeyValuePair<string, Tensor>>();
        using (var f = SafetensorsFile.Open(Path.Combine(TestModels.TinySharded, Shard1)))
            foreach (var e0 in f.Entries) shard1.Add(new(e0.Name, f.Read(e0.Name).clone()));
        shard1.Add(new("lm_head.weight", zeros(300, 128)));
        SafetensorsWriter.Write(Path.Combine(dir, Shard1), shard1);
        TestModels.DisposeAll(shard1);

        var e = LoadFails(dir);
        Assert.Equal("lm_head.weight", e.Tensor);
        Assert.Contains(Shard1, e.Message);
        Assert.Contains(Shard2, e.Message);
    }

    [Fact]
    public void Unexpected_tensor_fails_unless_allowed()
    {
        using var tmp = new TempDir();
        const string extra = "model.language_model.layers.0.self_attn.rogue.weight";
        string dir = TestModels.Rewrite(TestModels.TinySharded, tmp.Sub("m"), all => all.Append(new(extra, ones(4, 4))));

        var e = LoadFails(dir);
        Assert.Equal([extra], e.Unexpected);
        Assert.Empty(e.Missing);
        Assert.Empty(e.MisShaped);
        Assert.Contains(extra, e.Message);

        using var allowed = Glm4vEngine.Load(dir, new EngineOptions { AllowUnexpectedWeights = true });
        using var reference = Glm4vEngine.Load(TestModels.TinySharded);
        using var a = ProbePrompt.Logits(allowed);
        using var r = ProbePrompt.Logits(reference);
        ProbePrompt.AssertIdentical("logits with an ignored extra tensor", r, a);
    }

    [Fact]
    public void AllowUnexpectedWeights_does_not_hide_missing_tensors()
    {
        using var tmp = new TempDir();
        const string dropped = "lm_head.weight";
        string dir = TestModels.Rewrite(TestModels.TinySharded, tmp.Sub("m"),
            all => all.Where(t => t.Key != dropped).Append(new("model.extra", ones(2))));

        var e = LoadFails(dir, new EngineOptions { AllowUnexpectedWeights = true });
        Assert.Equal([dropped], e.Missing);
        Assert.Empty(e.Unexpected);
    }

    [Fact]
    public void Mtp_layer_past_num_hidden_layers_and_non_persistent_buffers_are_ignored_silently()
    {
        using var tmp = new TempDir();
        // num_hidden_layers = 2: layers.2.* is the MTP layer of real GLM-4.5V/4.6V checkpoints (transformers drops it).
        string dir = TestModels.Rewrite(TestModels.TinySharded, tmp.Sub("m"), all =>
        {
            var mtp = all.Where(t => t.Key.StartsWith("model.language_model.layers.0.", StringComparison.Ordinal))
                .Select(t => new KeyValuePair<string, Tensor>(t.Key.Replace("layers.0.", "layers.2."), t.Value))
                .ToList();
            mtp.Add(new("model.language_model.layers.2.eh_proj.weight", ones(128, 256)));
            mtp.Add(new("model.language_model.layers.2.enorm.weight", ones(128)));
            mtp.Add(new("model.language_model.layers.2.shared_head.head.weight", ones(300, 128)));
            mtp.Add(new("model.language_model.layers.11.input_layernorm.weight", ones(128)));
            mtp.Add(new("model.language_model.layers.0.self_attn.rotary_emb.inv_freq", ones(16)));
            return all.Concat(mtp);
        });

        using var engine = Glm4vEngine.Load(dir); // AllowUnexpectedWeights = false
        Assert.Equal(2, engine.Model.LayerCount);
        using var reference = Glm4vEngine.Load(TestModels.TinySharded);
        using var a = ProbePrompt.Logits(engine);
        using var r = ProbePrompt.Logits(reference);
        ProbePrompt.AssertIdentical("logits with an MTP layer present", r, a);
    }

    [Fact]
    public void Layer_inside_num_hidden_layers_with_an_unknown_name_is_still_unexpected()
    {
        using var tmp = new TempDir();
        const string extra = "model.language_model.layers.1.eh_proj.weight";
        string dir = TestModels.Rewrite(TestModels.TinySharded, tmp.Sub("m"), all => all.Append(new(extra, ones(2))));
        Assert.Equal([extra], LoadFails(dir).Unexpected);
    }

    [Fact]
    public void Directory_without_weights_is_reported()
    {
        using var tmp = new TempDir();
        string dir = tmp.Sub("m", create: true);
        File.Copy(Path.Combine(TestModels.TinySharded, "config.json"), Path.Combine(dir, "config.json"));

        var e = LoadFails(dir);
        Assert.Equal(dir, e.File);
        Assert.Contains("No weights", e.Message);
        Assert.Contains(Checkpoint.SingleFileName, e.Message);
    }
}

static class JsonNodeTestExtensions
{
    /// <summary>Applies <paramref name="change"/> and returns the node, for inline edits.</summary>
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
