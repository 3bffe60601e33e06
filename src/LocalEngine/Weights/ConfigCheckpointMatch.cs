using System.Text.RegularExpressions;

namespace Glm4vSK.LocalEngine;

/// <summary>
/// Matches the sizes in <c>config.json</c> against the checkpoint's tensor names and shapes (safetensors headers, no
/// data) before any module is built. The model allocates per layer, block and expert, so an absurd count would build
/// (and allocate for) a model the weights cannot fill before the per-tensor check reports it; here it fails at once,
/// naming the field and what the checkpoint holds. Details (a single missing or mis-shaped tensor) stay with
/// <see cref="WeightLoader"/>, which lists them all.
/// </summary>
internal static partial class ConfigCheckpointMatch
{
    const string Text = "model.language_model";
    const string Vision = "model.visual";

    /// <param name="textFieldPrefix">"text_config." or "" (flat layout), so fields are named as the file has them.</param>
    public static void Check(Glm4vConfig config, Checkpoint checkpoint, string textFieldPrefix)
    {
        var t = config.Text;
        var v = config.Vision;
        string TextField(string key) => textFieldPrefix + key;

        var textLayers = new HashSet<int>();
        var visionBlocks = new HashSet<int>();
        var experts = new Dictionary<int, HashSet<int>>();
        foreach (string name in checkpoint.TensorNames)
        {
            if (ExpertName().Match(name) is { Success: true } e)
            {
                int layer = Index(e.Groups[1].Value);
                if (!experts.TryGetValue(layer, out var set)) experts[layer] = set = [];
                set.Add(Index(e.Groups[2].Value));
            }
            if (TextLayerName().Match(name) is { Success: true } l) textLayers.Add(Index(l.Groups[1].Value));
            else if (VisionBlockName().Match(name) is { Success: true } b) visionBlocks.Add(Index(b.Groups[1].Value));
        }

        RequireCount(TextField("num_hidden_layers"), t.NumHiddenLayers, textLayers, "decoder layers", checkpoint);
        RequireCount("vision_config.depth", v.Depth, visionBlocks, "vision blocks", checkpoint);

        var s = new ShapeCheck(checkpoint);
        s.Dim($"{Text}.embed_tokens.weight", 0, t.VocabSize, TextField("vocab_size"), "vocab_size");
        s.Dim($"{Text}.embed_tokens.weight", 1, t.HiddenSize, TextField("hidden_size"), "hidden_size");
        s.Dim($"{Text}.layers.0.self_attn.q_proj.weight", 0, (long)t.NumAttentionHeads * t.HeadDim, TextField("num_attention_heads"),
            $"num_attention_heads {t.NumAttentionHeads} × head_dim {t.HeadDim}");
        s.Dim($"{Text}.layers.0.self_attn.k_proj.weight", 0, (long)t.NumKeyValueHeads * t.HeadDim, TextField("num_key_value_heads"),
            $"num_key_value_heads {t.NumKeyValueHeads} × head_dim {t.HeadDim}");
        s.Dim($"{Vision}.patch_embed.proj.weight", 0, v.HiddenSize, "vision_config.hidden_size", "hidden_size");
        s.Dim($"{Vision}.patch_embed.proj.weight", 2, v.TemporalPatchSize, "vision_config.temporal_patch_size", "temporal_patch_size");
        s.Dim($"{Vision}.patch_embed.proj.weight", 3, v.PatchSize, "vision_config.patch_size", "patch_size");
        s.Dim($"{Vision}.embeddings.position_embedding.weight", 0, (long)v.PositionGridSide * v.PositionGridSide, "vision_config.image_size",
            $"(image_size {v.ImageSize} / patch_size {v.PatchSize})²");

        if (t.Moe is { } moe)
        {
            string field = TextField("n_routed_experts");
            for (int layer = moe.FirstKDenseReplace; layer < t.NumHiddenLayers; layer++)
            {
                RequireCount(field, moe.NRoutedExperts, experts.GetValueOrDefault(layer) ?? [], $"experts in layer {layer}", checkpoint);
                s.Dim($"{Text}.layers.{layer}.mlp.gate.weight", 0, moe.NRoutedExperts, field, "n_routed_experts");
            }
        }
    }

    /// <summary>Every index 0..<paramref name="count"/>-1 must have tensors; a config asking for more than that fails naming the field.</summary>
    static void RequireCount(string field, int count, HashSet<int> present, string what, Checkpoint checkpoint)
    {
        int have = present.Count(i => i < count);
        if (have == count) return;
        string holds = present.Count == 0 ? $"0 {what}" : $"{present.Count} {what} (indices {present.Min()}–{present.Max()})";
        var absent = Enumerable.Range(0, Math.Min(count, present.Count + 8)).Where(i => !present.Contains(i)).Take(5).ToList();
        throw new ModelConfigException("config.json", field,
            $"is {count}, but the checkpoint at '{checkpoint.Directory}' holds {holds} and none for index {string.Join(", ", absent)}" +
            (count - have > absent.Count ? ", …" : "") +
            ". Use the config.json that came with these weights, or set the field to what the checkpoint holds.");
    }

    static int Index(string digits) => int.TryParse(digits, out int i) ? i : int.MaxValue;

    /// <summary>Compares one dimension of a tensor the checkpoint has (an absent tensor is left to <see cref="WeightLoader"/>).</summary>
    readonly struct ShapeCheck(Checkpoint checkpoint)
    {
        public void Dim(string tensor, int dim, long expected, string field, string configTerm)
        {
            if (!checkpoint.Contains(tensor)) return;
            var shape = checkpoint.Entry(tensor).Shape;
            if (shape.Length > dim && shape[dim] == expected) return;
            string found = shape.Length <= dim ? $"only {shape.Length} dimension(s)"
                : dim == 0 ? $"{shape[0]} rows" : dim == 1 ? $"{shape[1]} columns" : $"{shape[dim]} in dimension {dim}";
            throw new ModelConfigException("config.json", field,
                $"{configTerm} = {expected}, but the checkpoint's '{tensor}' [{string.Join(", ", shape)}] has {found}. " +
                "Use the config.json that came with these weights.");
        }
    }

    [GeneratedRegex(@"^model\.language_model\.layers\.(\d+)\.")]
    private static partial Regex TextLayerName();

    [GeneratedRegex(@"^model\.visual\.blocks\.(\d+)\.")]
    private static partial Regex VisionBlockName();

    [GeneratedRegex(@"^model\.language_model\.layers\.(\d+)\.mlp\.experts\.(\d+)\.")]
    private static partial Regex ExpertName();
}
