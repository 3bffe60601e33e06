using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Testing;

/// <summary>
/// Writes random GLM-4V checkpoints in Hugging Face layout (config.json, generation_config.json, safetensors single
/// or sharded, F32/BF16/F16) for tests and benchmarks. Tensor names and shapes come from the model's own list of what
/// a config needs; values follow the fixtures' recipe (norms 1 + 0.1·N, biases 0.05·N, embeddings 0.5·N, patch embed
/// 0.02·N, matrices N/√fan_in), so logits have a standard deviation of about 1.
/// </summary>
public static class TinyCheckpoint
{
    /// <summary>A small dense config; override any field through <paramref name="text"/> / <paramref name="vision"/> / <paramref name="top"/>.</summary>
    public static JsonObject Config(int layers = 2, int hidden = 64, int heads = 4, int kvHeads = 2, int vocab = 320,
        int[]? mropeSection = null, double ropeTheta = 10000, int intermediate = 128, int visionDepth = 2, int visionHidden = 32,
        int visionHeads = 4, int imageSize = 112, int maxPositions = 4096, bool legacyRope = false, bool flat = false,
        int? visionIntermediate = null)
    {
        int headDim = hidden / heads;
        mropeSection ??= DefaultSection(headDim / 2 / 2);
        var rope = new JsonObject
        {
            ["rope_type"] = "default",
            ["rope_theta"] = ropeTheta,
            ["mrope_section"] = new JsonArray(mropeSection.Select(x => (JsonNode)x).ToArray()),
            ["partial_rotary_factor"] = 0.5,
        };
        var text = new JsonObject
        {
            ["model_type"] = "glm4v_text",
            ["vocab_size"] = vocab,
            ["hidden_size"] = hidden,
            ["intermediate_size"] = intermediate,
            ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = heads,
            ["num_key_value_heads"] = kvHeads,
            ["hidden_act"] = "silu",
            ["max_position_embeddings"] = maxPositions,
            ["rms_norm_eps"] = 1e-5,
            ["attention_bias"] = true,
        };
        if (legacyRope)
        {
            text["rope_theta"] = ropeTheta;
            text["partial_rotary_factor"] = 0.5;
            text["rope_scaling"] = new JsonObject { ["type"] = "default", ["mrope_section"] = rope["mrope_section"]!.DeepClone() };
        }
        else text["rope_parameters"] = rope;
        var vision = new JsonObject
        {
            ["model_type"] = "glm4v_vision",
            ["depth"] = visionDepth,
            ["hidden_size"] = visionHidden,
            ["hidden_act"] = "silu",
            ["attention_bias"] = false,
            ["num_heads"] = visionHeads,
            ["in_channels"] = 3,
            ["image_size"] = imageSize,
            ["patch_size"] = 14,
            ["rms_norm_eps"] = 1e-5,
            ["spatial_merge_size"] = 2,
            ["temporal_patch_size"] = 2,
            ["out_hidden_size"] = hidden,
            ["intermediate_size"] = visionIntermediate ?? intermediate,
        };
        var top = new JsonObject
        {
            ["architectures"] = new JsonArray("Glm4vForConditionalGeneration"),
            ["model_type"] = "glm4v",
            ["vision_config"] = vision,
            ["image_start_token_id"] = vocab - 10,
            ["image_end_token_id"] = vocab - 9,
            ["video_start_token_id"] = vocab - 8,
            ["video_end_token_id"] = vocab - 7,
            ["image_token_id"] = vocab - 6,
            ["video_token_id"] = vocab - 5,
            ["pad_token_id"] = vocab - 4,
            ["eos_token_id"] = new JsonArray(vocab - 4, vocab - 3),
            ["tie_word_embeddings"] = false,
        };
        if (flat) foreach (var (k, v) in text.ToList()) { text.Remove(k); if (k != "model_type") top[k] = v; }
        else top["text_config"] = text;
        return top;
    }

    /// <summary>GLM-4.1V-9B's shapes: text 40 × 4096 (32 heads, 2 KV heads, MLP 13696, vocab 151552); vision 24 × 1536, 336² patches of 14.</summary>
    public static JsonObject Glm41V9B(int layers = 40) => Config(layers: layers, hidden: 4096, heads: 32, kvHeads: 2,
        vocab: 151552, mropeSection: [8, 12, 12], intermediate: 13696, visionDepth: 24, visionHidden: 1536, visionHeads: 12,
        imageSize: 336, maxPositions: 65536, visionIntermediate: 13696);

    /// <summary>A small <c>glm4v_moe</c> config (half-split rotary, head_dim ≠ hidden/heads, dense layer 0, MoE above).</summary>
    public static JsonObject MoeConfig(int layers = 2, int hidden = 64, int heads = 4, int headDim = 32, int kvHeads = 2, int experts = 8,
        int topK = 2, int nGroup = 1, int topkGroup = 1, double routedScaling = 1.0, bool normTopk = true, int sharedExperts = 1,
        int moeIntermediate = 32, int[]? mropeSection = null)
    {
        var c = Config(layers: layers, hidden: hidden, heads: heads, kvHeads: kvHeads, mropeSection: mropeSection ?? [2, 3, 3]);
        c["model_type"] = "glm4v_moe";
        c["architectures"] = new JsonArray("Glm4vMoeForConditionalGeneration");
        var t = (JsonObject)c["text_config"]!;
        t["model_type"] = "glm4v_moe_text";
        t["head_dim"] = headDim;
        t["n_routed_experts"] = experts;
        t["num_experts_per_tok"] = topK;
        t["n_group"] = nGroup;
        t["topk_group"] = topkGroup;
        t["routed_scaling_factor"] = routedScaling;
        t["norm_topk_prob"] = normTopk;
        t["n_shared_experts"] = sharedExperts;
        t["moe_intermediate_size"] = moeIntermediate;
        t["first_k_dense_replace"] = 1;
        t["use_qk_norm"] = false;
        return c;
    }

    /// <summary>
    /// The shape of the reference "glm4v-tiny" model (vocabulary 300, hidden 128, 2 layers, 4 heads / 2 KV heads,
    /// mrope [2, 3, 3], vision depth 2 × 32, image ids 290–295, pad 296, eos 296/297), with random weights of our own.
    /// </summary>
    public static JsonObject FixtureShapedConfig()
    {
        var c = Config(layers: 2, hidden: 128, heads: 4, kvHeads: 2, vocab: 300, mropeSection: [2, 3, 3], intermediate: 256,
            visionDepth: 2, visionHidden: 32, visionHeads: 4, imageSize: 112, visionIntermediate: 96);
        var text = (JsonObject)c["text_config"]!;
        text["head_dim"] = 32;
        text["rope_theta"] = 10000.0;
        text["partial_rotary_factor"] = 0.5;
        return c;
    }

    /// <summary>The image processor's class defaults, as the checkpoints' preprocessor_config.json writes them.</summary>
    public static void WritePreprocessorConfig(string dir) => File.WriteAllText(Path.Combine(dir, "preprocessor_config.json"), """
        {"image_processor_type": "Glm4vImageProcessor", "processor_class": "Glm4vProcessor", "do_resize": true, "resample": 3,
         "size": {"shortest_edge": 12544, "longest_edge": 11760000}, "do_rescale": true, "rescale_factor": 0.00392156862745098,
         "do_normalize": true, "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
         "do_convert_rgb": true, "patch_size": 14, "temporal_patch_size": 2, "merge_size": 2}
        """);

    static int[] DefaultSection(int half) => [half - 2 * (half / 3), half / 3, half / 3];

    /// <summary>Writes a random checkpoint for <paramref name="config"/> into <paramref name="dir"/>.</summary>
    public static string Write(string dir, JsonObject config, ScalarType dtype = ScalarType.Float32, int shards = 1, long seed = 1234)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var parsed = Glm4vConfig.Load(dir);
        File.WriteAllText(Path.Combine(dir, "generation_config.json"),
            new JsonObject { ["pad_token_id"] = parsed.PadTokenId, ["eos_token_id"] = new JsonArray(parsed.EosTokenIds.Select(x => (JsonNode)x).ToArray()), ["do_sample"] = false }.ToJsonString());
        var gen = new TorchSharp.torch.Generator((ulong)seed);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, shape) in Glm4vModel.ExpectedTensors(parsed))
            tensors.Add(new(name, name.EndsWith("e_score_correction_bias", StringComparison.Ordinal) ? Random(name, shape, gen) : Random(name, shape, gen).to(dtype))); // fp32, as the hub keeps it
        try
        {
            if (shards <= 1) SafetensorsWriter.Write(Path.Combine(dir, Checkpoint.SingleFileName), tensors);
            else if (shards == 2)
            {
                // The hub layout the reference fixtures use: the language model first, then the vision tower and lm_head.
                var text = tensors.Where(t => t.Key.StartsWith("model.language_model.", StringComparison.Ordinal)).ToList();
                var rest = tensors.Where(t => !t.Key.StartsWith("model.language_model.", StringComparison.Ordinal)).ToList();
                SafetensorsWriter.WriteSharded(dir, [text, rest]);
            }
            else
            {
                int per = (tensors.Count + shards - 1) / shards;
                SafetensorsWriter.WriteSharded(dir, tensors.Chunk(per).Select(c => (IReadOnlyList<KeyValuePair<string, Tensor>>)c).ToList());
            }
        }
        finally
        {
            foreach (var t in tensors) t.Value.Dispose();
        }
        return dir;
    }

    static Tensor Random(string name, long[] shape, TorchSharp.torch.Generator gen)
    {
        using var scope = NewDisposeScope();
        var n = randn(shape, generator: gen);
        Tensor t;
        if (name.Contains("norm") && name.EndsWith(".weight")) t = 1 + 0.1 * n;
        else if (name.EndsWith(".bias")) t = 0.05 * n;
        else if (name.Contains("embed_tokens") || name.Contains("position_embedding")) t = 0.5 * n;
        else if (name.Contains("patch_embed")) t = 0.02 * n;
        else if (name.EndsWith("mlp.gate.weight")) t = 0.4 * n;                     // router
        else if (name.EndsWith("e_score_correction_bias")) t = 0.1 * n;
        else t = n / Math.Sqrt(shape.Skip(1).Aggregate(1L, (a, b) => a * b));
        return t.MoveToOuterDisposeScope();
    }
}
