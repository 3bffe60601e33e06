namespace Glm4vSK.LocalEngine;

/// <summary>A checkpoint's <c>generation_config.json</c>: stop ids and the sampling defaults it recommends.</summary>
public sealed record GenerationConfig
{
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? PadTokenId { get; init; }
    public bool DoSample { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? TopK { get; init; }
    public float? RepetitionPenalty { get; init; }
    public int? MaxNewTokens { get; init; }

    /// <summary>Reads <c>generation_config.json</c> from a model directory; an absent file gives the empty config.</summary>
    public static GenerationConfig Load(string modelDir)
    {
        string path = Path.Combine(modelDir, "generation_config.json");
        if (!File.Exists(path)) return new GenerationConfig();
        var j = ConfigJson.Load(path);
        return new GenerationConfig
        {
            EosTokenIds = j.OptIntList("eos_token_id") ?? [],
            PadTokenId = j.OptInt("pad_token_id"),
            DoSample = j.OptBool("do_sample") ?? false,
            Temperature = (float?)j.OptDouble("temperature"),
            TopP = (float?)j.OptDouble("top_p"),
            TopK = j.OptInt("top_k"),
            RepetitionPenalty = (float?)j.OptDouble("repetition_penalty"),
            MaxNewTokens = j.OptInt("max_new_tokens"),
        };
    }
}
