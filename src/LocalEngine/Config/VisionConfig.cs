namespace Glm4vSK.LocalEngine;

/// <summary>The vision tower's <c>vision_config</c> (same for <c>glm4v</c> and <c>glm4v_moe</c>).</summary>
public sealed record VisionConfig
{
    public int Depth { get; init; } = 24;
    public int HiddenSize { get; init; } = 1536;
    public int NumHeads { get; init; } = 12;
    public int InChannels { get; init; } = 3;
    public int ImageSize { get; init; } = 336;
    public int PatchSize { get; init; } = 14;
    public int SpatialMergeSize { get; init; } = 2;
    public int TemporalPatchSize { get; init; } = 2;
    /// <summary>Width of the ViT MLP and of the downsample/merger output (= the text hidden size).</summary>
    public int OutHiddenSize { get; init; } = 4096;
    /// <summary>Width of the merger's SwiGLU (not of the ViT MLP).</summary>
    public int IntermediateSize { get; init; } = 13696;
    public double RmsNormEps { get; init; } = 1e-5;
    public bool AttentionBias { get; init; }
    public string HiddenAct { get; init; } = "silu";

    public int HeadDim => HiddenSize / NumHeads;
    /// <summary>Side of the learned position table, in patches (image_size / patch_size).</summary>
    public int PositionGridSide => ImageSize / PatchSize;
    /// <summary>Values per patch row: channels × temporal patch × patch × patch.</summary>
    public int PatchRowSize => InChannels * TemporalPatchSize * PatchSize * PatchSize;

    internal static VisionConfig Parse(ConfigJson j)
    {
        var c = new VisionConfig
        {
            Depth = j.PositiveInt("depth", 24),
            HiddenSize = j.PositiveInt("hidden_size", 1536),
            NumHeads = j.PositiveInt("num_heads", 12),
            InChannels = j.PositiveInt("in_channels", 3),
            ImageSize = j.PositiveInt("image_size", 336),
            PatchSize = j.PositiveInt("patch_size", 14),
            SpatialMergeSize = j.PositiveInt("spatial_merge_size", 2),
            TemporalPatchSize = j.PositiveInt("temporal_patch_size", 2),
            OutHiddenSize = j.PositiveInt("out_hidden_size", 4096),
            IntermediateSize = j.PositiveInt("intermediate_size", 13696),
            RmsNormEps = j.Double("rms_norm_eps", 1e-5),
            AttentionBias = j.OptBool("attention_bias") ?? false,
            HiddenAct = j.OptString("hidden_act") ?? "silu",
        };
        if (c.HiddenSize % c.NumHeads != 0) throw j.Error("num_heads", $"hidden_size {c.HiddenSize} is not divisible by num_heads {c.NumHeads}.");
        if (c.HeadDim % 4 != 0) throw j.Error("num_heads", $"the vision head dim {c.HeadDim} must be a multiple of 4 for the 2-D rotary.");
        if (c.ImageSize % c.PatchSize != 0) throw j.Error("image_size", $"{c.ImageSize} is not a multiple of patch_size {c.PatchSize}.");
        if (c.InChannels != 3) throw j.Error("in_channels", $"only 3 (RGB) is supported, found {c.InChannels}.");
        ActivationFunctions.Validate(c.HiddenAct, j, "hidden_act");
        return c;
    }
}
