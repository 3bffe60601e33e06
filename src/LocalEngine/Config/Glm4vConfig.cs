namespace Glm4vSK.LocalEngine;

/// <summary>Which decoder a checkpoint uses.</summary>
public enum DecoderKind
{
    /// <summary><c>glm4v</c>: GLM-4.1V-9B-Thinking, GLM-4.6V-Flash, AutoGLM-Phone-9B, Glyph, UI2Code_N.</summary>
    Dense,
    /// <summary><c>glm4v_moe</c>: GLM-4.5V, GLM-4.6V.</summary>
    MixtureOfExperts,
}

/// <summary>A checkpoint's <c>config.json</c>, immutable, in both the nested and the flat (text fields at the top) layout.</summary>
public sealed record Glm4vConfig
{
    public required string ModelType { get; init; }
    public required DecoderKind Decoder { get; init; }
    public required TextConfig Text { get; init; }
    public required VisionConfig Vision { get; init; }
    public int ImageTokenId { get; init; }
    public int VideoTokenId { get; init; }
    public int ImageStartTokenId { get; init; }
    public int ImageEndTokenId { get; init; }
    public int VideoStartTokenId { get; init; }
    public int VideoEndTokenId { get; init; }
    public int? PadTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public bool TieWordEmbeddings { get; init; }

    /// <summary>Reads <c>config.json</c> from a model directory or a file path.</summary>
    public static Glm4vConfig Load(string modelDirOrFile) => Load(modelDirOrFile, out _);

    /// <summary>Also gives where the text fields sit ("text_config." nested, "" flat), so later errors name them as written.</summary>
    internal static Glm4vConfig Load(string modelDirOrFile, out string textFieldPrefix)
    {
        string path = Directory.Exists(modelDirOrFile) ? Path.Combine(modelDirOrFile, "config.json") : modelDirOrFile;
        var j = ConfigJson.Load(path);
        var config = Parse(j);
        textFieldPrefix = j.Object("text_config") is null ? "" : "text_config.";
        return config;
    }

    /// <summary>Parses the text of a <c>config.json</c>.</summary>
    public static Glm4vConfig Parse(string json) => Parse(ConfigJson.ParseText("config.json", json));

    internal static Glm4vConfig Parse(ConfigJson j)
    {
        string modelType = j.OptString("model_type") ?? throw j.Error("model_type", "required field is missing.");
        if (j.Object("quantization_config") is { } q)
        {
            string method = q.OptString("quant_method") ?? "unknown";
            string detail = q.OptString("format") ?? q.OptString("fmt") ?? "";
            bool fp8 = method.Contains("fp8", StringComparison.OrdinalIgnoreCase) || detail.Contains("float", StringComparison.OrdinalIgnoreCase)
                       || method == "compressed-tensors";
            throw new UnsupportedModelException(modelType, fp8
                ? $"config.json: this is an FP8 checkpoint (quantization_config.quant_method '{method}'), as GLM-4.5V-FP8 / GLM-4.6V-FP8 are; FP8 weights are not supported yet — use the BF16 checkpoint."
                : $"config.json: quantized checkpoints (quantization_config.quant_method '{method}') are not supported; use the BF16 checkpoint.");
        }
        var textJ = j.Object("text_config") ?? j; // flat 4.5x layout: the text fields sit at the top level
        string? textType = textJ == j ? null : textJ.OptString("model_type");
        bool moe = modelType switch
        {
            "glm4v" => false,
            "glm4v_moe" => true,
            // glm46v wraps either decoder; its sub-config decides.
            "glm46v" => textType switch
            {
                null or "glm4v_text" => false,
                "glm4v_moe_text" or "Glm4vMoe_text" => true,
                _ => throw textJ.Error("model_type", $"text model type '{textType}' is not a GLM-4V decoder."),
            },
            _ => throw new UnsupportedModelException(modelType,
                $"config.json: model_type '{modelType}' is not a GLM-4V model (expected glm4v, glm4v_moe or glm46v)."),
        };
        var text = TextConfig.Parse(textJ, moe);
        // Flat layout: the top-level model_type is the composite's, not the text decoder's.
        if (textType is null) text = text with { ModelType = moe ? "glm4v_moe_text" : "glm4v_text" };
        var vision = VisionConfig.Parse(j.Object("vision_config") ?? new ConfigJson(j.File, new System.Text.Json.Nodes.JsonObject(), "vision_config"));
        if (vision.OutHiddenSize != text.HiddenSize)
            throw j.Error("vision_config.out_hidden_size", $"{vision.OutHiddenSize} differs from the text hidden_size {text.HiddenSize}.");
        if (vision.SpatialMergeSize is < 1 or > 4)
            throw j.Error("vision_config.spatial_merge_size", $"must be between 1 and 4, found {vision.SpatialMergeSize}.");

        int Token(string key, int fallback)
        {
            int v = j.OptInt(key) ?? textJ.OptInt(key) ?? fallback;
            if (v < 0 || v >= text.VocabSize) throw j.Error(key, $"token id {v} is outside the vocabulary (size {text.VocabSize}).");
            return v;
        }
        // Defaults of the transformers config classes; the checkpoints set every one of these.
        return new Glm4vConfig
        {
            ModelType = modelType,
            Decoder = moe ? DecoderKind.MixtureOfExperts : DecoderKind.Dense,
            Text = text,
            Vision = vision,
            ImageTokenId = Token("image_token_id", moe ? 151363 : 151343),
            VideoTokenId = Token("video_token_id", moe ? 151364 : 151344),
            ImageStartTokenId = Token("image_start_token_id", 151339),
            ImageEndTokenId = Token("image_end_token_id", 151340),
            VideoStartTokenId = Token("video_start_token_id", 151341),
            VideoEndTokenId = Token("video_end_token_id", 151342),
            PadTokenId = j.OptInt("pad_token_id") ?? textJ.OptInt("pad_token_id"),
            EosTokenIds = j.OptIntList("eos_token_id") ?? textJ.OptIntList("eos_token_id") ?? [],
            TieWordEmbeddings = j.OptBool("tie_word_embeddings") ?? textJ.OptBool("tie_word_embeddings") ?? false,
        };
    }
}
