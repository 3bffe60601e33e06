namespace Glm4vSK.LocalEngine;

/// <summary>Mixture-of-experts fields of a <c>glm4v_moe</c> text config.</summary>
public sealed record MoeConfig
{
    public int NRoutedExperts { get; init; } = 128;
    public int NumExpertsPerTok { get; init; } = 8;
    public int MoeIntermediateSize { get; init; } = 1408;
    public int NSharedExperts { get; init; } = 1;
    public int NGroup { get; init; } = 1;
    public int TopkGroup { get; init; } = 1;
    public int FirstKDenseReplace { get; init; } = 1;
    public bool NormTopkProb { get; init; } = true;
    public double RoutedScalingFactor { get; init; } = 1.0;

    internal static MoeConfig Parse(ConfigJson j)
    {
        var c = new MoeConfig
        {
            NRoutedExperts = j.Has("n_routed_experts") || !j.Has("num_local_experts")
                ? j.PositiveInt("n_routed_experts", 128) : j.PositiveInt("num_local_experts"),
            NumExpertsPerTok = j.PositiveInt("num_experts_per_tok", 8),
            MoeIntermediateSize = j.PositiveInt("moe_intermediate_size", 1408),
            NSharedExperts = j.NonNegativeInt("n_shared_experts", 1),
            NGroup = j.PositiveInt("n_group", 1),
            TopkGroup = j.PositiveInt("topk_group", 1),
            FirstKDenseReplace = j.NonNegativeInt("first_k_dense_replace", 1),
            NormTopkProb = j.OptBool("norm_topk_prob") ?? true,
            RoutedScalingFactor = j.Double("routed_scaling_factor", 1.0),
        };
        if (c.NRoutedExperts % c.NGroup != 0) throw j.Error("n_group", $"n_routed_experts {c.NRoutedExperts} is not divisible by n_group {c.NGroup}.");
        if (c.NumExpertsPerTok > c.NRoutedExperts) throw j.Error("num_experts_per_tok", "exceeds n_routed_experts.");
        if (c.TopkGroup > c.NGroup) throw j.Error("topk_group", "exceeds n_group.");
        return c;
    }
}
