namespace Glm4vSK.LocalEngine;

/// <summary>
/// How to pick tokens. Unset values fall back to the checkpoint's <c>generation_config.json</c>, then to greedy
/// decoding. Processors run in this order (Hugging Face's, with vLLM's penalties and min-p): repetition, frequency and
/// presence penalties → temperature → top-k → top-p → min-p.
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
    /// <summary>OpenAI's frequency penalty, in [-2, 2]: subtracted from a token's logit once per time it was generated (prompt tokens do not count, as in vLLM). 0 = off.</summary>
    public float? FrequencyPenalty { get; init; }
    /// <summary>OpenAI's presence penalty, in [-2, 2]: subtracted once from the logit of every token generated so far. 0 = off.</summary>
    public float? PresencePenalty { get; init; }
    /// <summary>vLLM's min_p, in [0, 1]: when sampling, drops tokens less likely than this fraction of the most likely one. 0 = off.</summary>
    public float? MinP { get; init; }
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

    /// <summary>
    /// Merges these options with the checkpoint's defaults and checks the result: an invalid value (NaN, infinite, out
    /// of range, a token id outside the vocabulary) is an <see cref="ArgumentOutOfRangeException"/> whose ParamName is
    /// the option, and whose message says where the value came from when generation_config.json supplied it.
    /// </summary>
    internal ResolvedSampling Resolve(GenerationConfig g, Glm4vConfig c)
    {
        var d = IgnoreGenerationConfigDefaults ? new GenerationConfig { EosTokenIds = g.EosTokenIds } : g;
        int vocab = c.Text.VocabSize;
        float temperature = Temperature ?? d.Temperature ?? 1f;
        Require(float.IsFinite(temperature) && temperature >= 0, nameof(Temperature), Temperature, "temperature", temperature,
            "must be a finite number ≥ 0 (0 = greedy)");
        bool sample = (DoSample ?? d.DoSample) && temperature > 0;
        int maxNew = MaxNewTokens ?? d.MaxNewTokens ?? 1024;
        Require(maxNew > 0, nameof(MaxNewTokens), MaxNewTokens, "max_new_tokens", maxNew, "must be positive");
        float topP = TopP ?? d.TopP ?? 1f;
        Require(topP is > 0 and <= 1, nameof(TopP), TopP, "top_p", topP, "must be in (0, 1] (1 = off)");   // false for NaN
        int topK = TopK ?? d.TopK ?? 0;
        Require(topK >= 0, nameof(TopK), TopK, "top_k", topK, "must be ≥ 0 (0 = off)");
        float penalty = RepetitionPenalty ?? d.RepetitionPenalty ?? 1f;
        Require(float.IsFinite(penalty) && penalty > 0, nameof(RepetitionPenalty), RepetitionPenalty, "repetition_penalty", penalty,
            "must be a finite number > 0 (1 = off)");
        float frequency = FrequencyPenalty ?? 0f, presence = PresencePenalty ?? 0f, minP = MinP ?? 0f;
        Require(frequency is >= -2 and <= 2, nameof(FrequencyPenalty), FrequencyPenalty, null, frequency, "must be in [-2, 2] (0 = off)");
        Require(presence is >= -2 and <= 2, nameof(PresencePenalty), PresencePenalty, null, presence, "must be in [-2, 2] (0 = off)");
        Require(minP is >= 0 and <= 1, nameof(MinP), MinP, null, minP, "must be in [0, 1] (0 = off)");
        foreach (int id in StopTokenIds)
            Require(id >= 0 && id < vocab, nameof(StopTokenIds), id, null, id, $"must hold token ids in [0, {vocab})");
        var stops = new SortedSet<int>(g.EosTokenIds.Count > 0 ? g.EosTokenIds : c.EosTokenIds);
        stops.UnionWith(StopTokenIds);
        int pad = g.PadTokenId ?? c.PadTokenId ?? (stops.Count > 0 ? stops.Min : 0);
        if (IgnoreEos) stops.Clear();
        Require(ThinkingBudget is null or >= 0, nameof(ThinkingBudget), ThinkingBudget, null, ThinkingBudget, "must be ≥ 0");
        if (ThinkingBudget is not null && ThinkEndTokenId is null)
            throw new ArgumentException("ThinkingBudget needs ThinkEndTokenId (the id of </think>).", nameof(ThinkEndTokenId));
        Require(ThinkEndTokenId is null || (ThinkEndTokenId >= 0 && ThinkEndTokenId < vocab), nameof(ThinkEndTokenId), ThinkEndTokenId, null,
            ThinkEndTokenId, $"must be a token id in [0, {vocab})");
        return new ResolvedSampling(maxNew, sample, temperature, topP, topK, penalty, Seed, stops.ToArray(), pad)
        {
            ThinkingBudget = ThinkingBudget,
            ThinkEndTokenId = ThinkEndTokenId,
            FrequencyPenalty = frequency,
            PresencePenalty = presence,
            MinP = minP,
        };
    }

    /// <summary>Throws for a failed <paramref name="ok"/>, naming the option, or the generation_config.json key when the option was unset.</summary>
    static void Require(bool ok, string option, object? own, string? configKey, object? value, string rule)
    {
        if (ok) return;
        string source = own is null && configKey is not null ? $" (from generation_config.json '{configKey}'; set SamplingOptions.{option} to override it)" : "";
        throw new ArgumentOutOfRangeException(option, value, $"SamplingOptions.{option} {rule}{source}.");
    }
}

internal sealed record ResolvedSampling(int MaxNewTokens, bool DoSample, float Temperature, float TopP, int TopK,
    float RepetitionPenalty, long? Seed, int[] StopTokenIds, int PadTokenId)
{
    public int? ThinkingBudget { get; init; }
    public int? ThinkEndTokenId { get; init; }
    public float FrequencyPenalty { get; init; }
    public float PresencePenalty { get; init; }
    public float MinP { get; init; }
}
