namespace Glm4vSK.LocalEngine;

/// <summary>How q/k channels pair up in the text rotary: GLM-4.1V rotates adjacent pairs, GLM-4.5V halves.</summary>
public enum RotaryLayout
{
    /// <summary>Channel pair (2j, 2j+1) rotates with frequency j (GPT-J style; <c>glm4v</c>).</summary>
    Interleaved,
    /// <summary>Channel j pairs with j + dim/2 (GPT-NeoX style; <c>glm4v_moe</c>).</summary>
    Halves,
}

/// <summary>The text decoder's <c>text_config</c>, normalised across the 4.5x and v5 spellings.</summary>
public sealed record TextConfig
{
    public string ModelType { get; init; } = "glm4v_text";
    public int VocabSize { get; init; } = 151552;
    public int HiddenSize { get; init; } = 4096;
    public int IntermediateSize { get; init; } = 13696;
    public int NumHiddenLayers { get; init; } = 40;
    public int NumAttentionHeads { get; init; } = 32;
    public int NumKeyValueHeads { get; init; } = 2;
    public int HeadDim { get; init; } = 128;
    public string HiddenAct { get; init; } = "silu";
    public double RmsNormEps { get; init; } = 1e-5;
    public bool AttentionBias { get; init; } = true;
    public int MaxPositionEmbeddings { get; init; } = 32768;
    public double RopeTheta { get; init; } = 10000;
    public double PartialRotaryFactor { get; init; } = 1.0;
    /// <summary>Frequencies per (t, h, w) stream; sums to <see cref="RotaryDim"/> / 2.</summary>
    public IReadOnlyList<int> MropeSection { get; init; } = [8, 12, 12];
    public RotaryLayout RotaryLayout { get; init; } = RotaryLayout.Interleaved;
    /// <summary>Present for <c>glm4v_moe</c> text configs.</summary>
    public MoeConfig? Moe { get; init; }

    /// <summary>Number of leading q/k channels that rotate.</summary>
    public int RotaryDim => (int)(HeadDim * PartialRotaryFactor);

    internal static TextConfig Parse(ConfigJson j, bool moe)
    {
        int hidden = j.PositiveInt("hidden_size", 4096);
        int heads = j.PositiveInt("num_attention_heads", moe ? 96 : 32);
        int kvHeads = j.OptInt("num_key_value_heads") ?? heads;
        int headDim = j.OptInt("head_dim") ?? (hidden % heads == 0 ? hidden / heads : throw j.Error("num_attention_heads", $"hidden_size {hidden} is not divisible by it and no head_dim is given."));
        if (kvHeads <= 0 || heads % kvHeads != 0)
            throw j.Error("num_key_value_heads", $"{kvHeads} does not divide num_attention_heads {heads}.");

        // Rope: v5 rope_parameters, else the 4.5x rope_scaling + top-level rope_theta / partial_rotary_factor.
        var rp = j.Object("rope_parameters");
        var rs = j.Object("rope_scaling");
        string ropeKey = rp is not null ? "rope_parameters" : "rope_scaling";
        var rope = rp ?? rs;
        string ropeType = rope?.OptString("rope_type") ?? rope?.OptString("type") ?? "default";
        if (ropeType is not ("default" or "mrope"))
            throw j.Error(ropeKey + ".rope_type", $"rope type '{ropeType}' is not supported (only 'default').");
        double theta = rope?.OptDouble("rope_theta") ?? j.OptDouble("rope_theta") ?? 10000;
        double partial = rope?.OptDouble("partial_rotary_factor") ?? j.OptDouble("partial_rotary_factor") ?? (moe ? 0.5 : 1.0);
        if (partial is <= 0 or > 1) throw j.Error(ropeKey + ".partial_rotary_factor", $"must be in (0, 1], found {partial}.");
        var sectionD = rope?.OptDoubleList("mrope_section") ?? throw j.Error(ropeKey + ".mrope_section",
            "required for GLM-4V (the multimodal rotary needs the t/h/w frequency split).");
        int[] section = sectionD.Select(d => (int)d).ToArray();
        int rotary = (int)(headDim * partial);
        if (rotary % 2 != 0 || section.Length is < 1 or > 3 || section.Any(s => s < 0) || section.Sum() != rotary / 2)
            throw j.Error(ropeKey + ".mrope_section",
                $"[{string.Join(", ", section)}] must have 1–3 non-negative entries summing to rotary_dim/2 = {rotary / 2} (head_dim {headDim} × partial_rotary_factor {partial}).");

        string act = j.OptString("hidden_act") ?? "silu";
        ActivationFunctions.Validate(act, j, "hidden_act");
        return new TextConfig
        {
            ModelType = j.OptString("model_type") ?? (moe ? "glm4v_moe_text" : "glm4v_text"),
            VocabSize = j.PositiveInt("vocab_size", moe ? 151424 : 151552),
            HiddenSize = hidden,
            IntermediateSize = j.PositiveInt("intermediate_size", moe ? 10944 : 13696),
            NumHiddenLayers = j.PositiveInt("num_hidden_layers", moe ? 46 : 40),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim,
            HiddenAct = act,
            RmsNormEps = j.Double("rms_norm_eps", 1e-5),
            // The dense attention hard-codes q/k/v biases; the MoE config has a real switch.
            AttentionBias = moe ? j.OptBool("attention_bias") ?? true : true,
            MaxPositionEmbeddings = j.PositiveInt("max_position_embeddings", moe ? 65536 : 32768),
            RopeTheta = theta,
            PartialRotaryFactor = partial,
            MropeSection = section,
            RotaryLayout = moe ? RotaryLayout.Halves : RotaryLayout.Interleaved,
            Moe = moe ? MoeConfig.Parse(j) : null,
        };
    }
}
