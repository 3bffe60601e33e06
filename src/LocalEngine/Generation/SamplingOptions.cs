namespace Glm4vSK.LocalEngine;

/// <summary>
/// How to pick tokens. Unset values fall back to the checkpoint's <c>generation_config.json</c>, then to greedy
/// decoding. Processors run in Hugging Face order: repetition penalty → temperature → top-k → top-p.
/// </summary>
public sealed record SamplingOptions
{
    /// <summary>Most tokens to generate per sequence (default: generation_config's max_new_tokens, else 1024).</summary>
    public int? MaxNewTokens { get; init; }
    /// <summary>Sample (true) or take the arg-max (false). Default: generation_config's do_sample; a temperature of 0 forces greedy.</summary>
    public bool? DoSample { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? TopK { get; init; }
    /// <summary>HF's multiplicative/divisive penalty on every token already in the sequence (1 = off).</summary>
    public float? RepetitionPenalty { get; init; }
    /// <summary>Seed of the sampling RNG; the same seed, inputs and options give the same tokens.</summary>
    public long? Seed { get; init; }
    /// <summary>Token ids that end a sequence, on top of the checkpoint's eos ids.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    /// <summary>
    /// Thinking budget: once a sequence has generated this many tokens without producing <see cref="ThinkEndTokenId"/>,
    /// that token is forced next, so the model closes its reasoning and answers. Null = unlimited.
    /// </summary>
    public int? ThinkingBudget { get; init; }
    /// <summary>The token that ends reasoning (<c>&lt;/think&gt;</c>); required with <see cref="ThinkingBudget"/>.</summary>
    public int? ThinkEndTokenId { get; init; }
    /// <summary>Keep generating through eos/stop tokens until MaxNewTokens (vLLM's ignore_eos; for benchmarks and tests).</summary>
    public bool IgnoreEos { get; init; }
    /// <summary>Ignore generation_config.json's sampling defaults (its eos ids still apply).</summary>
    public bool IgnoreGenerationConfigDefaults { get; init; }

    internal ResolvedSampling Resolve(GenerationConfig g, Glm4vConfig c)
    {
        var d = IgnoreGenerationConfigDefaults ? new GenerationConfig { EosTokenIds = g.EosTokenIds } : g;
        float temperature = Temperature ?? d.Temperature ?? 1f;
        bool sample = (DoSample ?? d.DoSample) && temperature > 0;
        int maxNew = MaxNewTokens ?? d.MaxNewTokens ?? 1024;
        if (maxNew <= 0) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), maxNew, "must be positive.");
        if (temperature < 0) throw new ArgumentOutOfRangeException(nameof(Temperature), temperature, "must be ≥ 0.");
        float topP = TopP ?? d.TopP ?? 1f;
        if (topP is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(TopP), topP, "must be in (0, 1].");
        int topK = TopK ?? d.TopK ?? 0;
        if (topK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), topK, "must be ≥ 0 (0 = off).");
        float penalty = RepetitionPenalty ?? d.RepetitionPenalty ?? 1f;
        if (penalty <= 0) throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), penalty, "must be positive.");
        var stops = new SortedSet<int>(g.EosTokenIds.Count > 0 ? g.EosTokenIds : c.EosTokenIds);
        stops.UnionWith(StopTokenIds);
        int pad = g.PadTokenId ?? c.PadTokenId ?? (stops.Count > 0 ? stops.Min : 0);
        if (IgnoreEos) stops.Clear();
        if (ThinkingBudget is < 0) throw new ArgumentOutOfRangeException(nameof(ThinkingBudget), ThinkingBudget, "must be ≥ 0.");
        if (ThinkingBudget is not null && ThinkEndTokenId is null)
            throw new ArgumentException("ThinkingBudget needs ThinkEndTokenId (the id of </think>).", nameof(ThinkEndTokenId));
        return new ResolvedSampling(maxNew, sample, temperature, topP, topK, penalty, Seed, stops.ToArray(), pad)
        {
            ThinkingBudget = ThinkingBudget,
            ThinkEndTokenId = ThinkEndTokenId,
        };
    }
}

internal sealed record ResolvedSampling(int MaxNewTokens, bool DoSample, float Temperature, float TopP, int TopK,
    float RepetitionPenalty, long? Seed, int[] StopTokenIds, int PadTokenId)
{
    public int? ThinkingBudget { get; init; }
    public int? ThinkEndTokenId { get; init; }
}
