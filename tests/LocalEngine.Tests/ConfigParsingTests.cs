using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Testing;
using Glm4vSK.LocalEngine.Tests.Support;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// <see cref="Glm4vConfig"/> reads every config.json spelling GLM-4V checkpoints use (v5 nested rope_parameters, the
/// 4.5x rope_scaling + top-level rope keys, the flat layout, glm46v) and reports bad values as a
/// <see cref="ModelConfigException"/> whose Field names the JSON field.
/// </summary>
public sealed class ConfigParsingTests
{
    static Glm4vConfig Parse(JsonObject o) => Glm4vConfig.Parse(o.ToJsonString());

    static readonly int[] NoInts = [];

    /// <summary>The record with its list members compared by value (records compare lists by reference).</summary>
    static TextConfig Normalised(TextConfig t) => t with { MropeSection = NoInts, ModelType = t.ModelType + "|" + string.Join(",", t.MropeSection) };

    static Glm4vConfig Normalised(Glm4vConfig c) =>
        c with { Text = Normalised(c.Text), EosTokenIds = NoInts, ModelType = c.ModelType + "|" + string.Join(",", c.EosTokenIds) };

    [Fact]
    public void Fixture_config_is_read_completely()
    {
        var c = Glm4vConfig.Load(TestModels.TinySharded);
        Assert.Equal("glm4v", c.ModelType);
        Assert.Equal(DecoderKind.Dense, c.Decoder);
        Assert.Equal("glm4v_text", c.Text.ModelType);
        Assert.Equal(300, c.Text.VocabSize);
        Assert.Equal(128, c.Text.HiddenSize);
        Assert.Equal(256, c.Text.IntermediateSize);
        Assert.Equal(2, c.Text.NumHiddenLayers);
        Assert.Equal(4, c.Text.NumAttentionHeads);
        Assert.Equal(2, c.Text.NumKeyValueHeads);
        Assert.Equal(32, c.Text.HeadDim);
        Assert.Equal(16, c.Text.RotaryDim);
        Assert.Equal([2, 3, 3], c.Text.MropeSection);
        Assert.Equal(10000.0, c.Text.RopeTheta);
        Assert.Equal(0.5, c.Text.PartialRotaryFactor);
        Assert.Equal(4096, c.Text.MaxPositionEmbeddings);
        Assert.Equal(1e-5, c.Text.RmsNormEps);
        Assert.Equal(RotaryLayout.Interleaved, c.Text.RotaryLayout);
        Assert.Null(c.Text.Moe);
        Assert.Equal(2, c.Vision.Depth);
        Assert.Equal(32, c.Vision.HiddenSize);
        Assert.Equal(4, c.Vision.NumHeads);
        Assert.Equal(112, c.Vision.ImageSize);
        Assert.Equal(128, c.Vision.OutHiddenSize);
        Assert.Equal(96, c.Vision.IntermediateSize);
        Assert.Equal(8, c.Vision.PositionGridSide);
        Assert.Equal(1176, c.Vision.PatchRowSize);
        Assert.Equal((290, 291, 292, 293, 294, 295), (c.ImageStartTokenId, c.ImageEndTokenId, c.VideoStartTokenId, c.VideoEndTokenId, c.ImageTokenId, c.VideoTokenId));
        Assert.Equal(296, c.PadTokenId);
        Assert.Equal([296, 297], c.EosTokenIds);
        Assert.False(c.TieWordEmbeddings);
        // Load accepts the file path as well as the directory.
        var fromFile = Glm4vConfig.Load(Path.Combine(TestModels.TinySharded, "config.json"));
        Assert.Equal(Normalised(c), Normalised(fromFile));
    }

    [Fact]
    public void Nested_v5_rope_parameters_are_read()
    {
        var c = Parse(TinyCheckpoint.Config(hidden: 64, heads: 4, ropeTheta: 500000, mropeSection: [2, 1, 1]));
        Assert.Equal(500000.0, c.Text.RopeTheta);
        Assert.Equal(0.5, c.Text.PartialRotaryFactor);
        Assert.Equal([2, 1, 1], c.Text.MropeSection);
        Assert.Equal(16, c.Text.HeadDim); // no head_dim field: hidden / heads
        Assert.Equal(8, c.Text.RotaryDim);
    }

    [Fact]
    public void Legacy_rope_scaling_with_top_level_theta_and_partial_factor_is_read()
    {
        var o = TinyCheckpoint.Config(ropeTheta: 12345, mropeSection: [2, 1, 1], legacyRope: true);
        var t = o["text_config"]!.AsObject();
        Assert.False(t.ContainsKey("rope_parameters"));
        Assert.True(t.ContainsKey("rope_scaling"));
        var c = Parse(o);
        Assert.Equal(12345.0, c.Text.RopeTheta);
        Assert.Equal(0.5, c.Text.PartialRotaryFactor);
        Assert.Equal([2, 1, 1], c.Text.MropeSection);

        // rope_scaling spelled with rope_type instead of type, and the 4.1V "mrope" type, are accepted too.
        t["rope_scaling"]!.AsObject().Remove("type");
        t["rope_scaling"]!["rope_type"] = "mrope";
        Assert.Equal([2, 1, 1], Parse(o).Text.MropeSection);
    }

    [Fact]
    public void Partial_rotary_factor_defaults_to_one_for_the_dense_decoder_and_one_half_for_moe()
    {
        var o = TinyCheckpoint.Config(mropeSection: [4, 2, 2]); // head_dim 16, full rotary: 8 = 4 + 2 + 2
        o["text_config"]!["rope_parameters"]!.AsObject().Remove("partial_rotary_factor");
        Assert.Equal(1.0, Parse(o).Text.PartialRotaryFactor);

        var moe = TinyCheckpoint.Config(mropeSection: [2, 1, 1]);
        moe["model_type"] = "glm4v_moe";
        moe["text_config"]!["model_type"] = "glm4v_moe_text";
        moe["text_config"]!["rope_parameters"]!.AsObject().Remove("partial_rotary_factor");
        var c = Parse(moe);
        Assert.Equal(0.5, c.Text.PartialRotaryFactor);
        Assert.Equal(DecoderKind.MixtureOfExperts, c.Decoder);
        Assert.Equal(RotaryLayout.Halves, c.Text.RotaryLayout);
        Assert.NotNull(c.Text.Moe);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Flat_layout_reads_text_fields_from_the_top_level(bool legacyRope)
    {
        var o = TinyCheckpoint.Config(hidden: 64, vocab: 320, layers: 3, ropeTheta: 777, legacyRope: legacyRope, flat: true);
        Assert.False(o.ContainsKey("text_config"));
        var c = Parse(o);
        var nested = Parse(TinyCheckpoint.Config(hidden: 64, vocab: 320, layers: 3, ropeTheta: 777));
        Assert.Equal(DecoderKind.Dense, c.Decoder);
        Assert.Equal(nested.Text.HiddenSize, c.Text.HiddenSize);
        Assert.Equal(3, c.Text.NumHiddenLayers);
        Assert.Equal(777.0, c.Text.RopeTheta);
        Assert.Equal(nested.Text.MropeSection, c.Text.MropeSection);
        Assert.Equal(nested.Text.PartialRotaryFactor, c.Text.PartialRotaryFactor);
        Assert.Equal(Normalised(nested.Text), Normalised(c.Text));
        Assert.Equal("glm4v_text", c.Text.ModelType); // not the composite's "glm4v"
        Assert.Equal(Normalised(nested), Normalised(c));
        Assert.Equal(nested.ImageTokenId, c.ImageTokenId);
        Assert.Equal(nested.EosTokenIds, c.EosTokenIds);
    }

    [Theory]
    [InlineData("glm4v_text", DecoderKind.Dense)]
    [InlineData("glm4v_moe_text", DecoderKind.MixtureOfExperts)]
    [InlineData("Glm4vMoe_text", DecoderKind.MixtureOfExperts)]
    public void Glm46v_dispatches_on_the_text_config_model_type(string textType, DecoderKind expected)
    {
        var o = TinyCheckpoint.Config(mropeSection: [2, 1, 1]);
        o["model_type"] = "glm46v";
        o["text_config"]!["model_type"] = textType;
        var c = Parse(o);
        Assert.Equal("glm46v", c.ModelType);
        Assert.Equal(expected, c.Decoder);
        Assert.Equal(textType, c.Text.ModelType);
    }

    [Fact]
    public void Glm46v_with_a_foreign_text_model_type_names_the_field()
    {
        var o = TinyCheckpoint.Config();
        o["model_type"] = "glm46v";
        o["text_config"]!["model_type"] = "llama";
        var e = Assert.Throws<ModelConfigException>(() => Parse(o));
        Assert.Equal("text_config.model_type", e.Field);
        Assert.Contains("llama", e.Message);
    }

    [Fact]
    public void Glm46v_flat_layout_is_dense()
    {
        var o = TinyCheckpoint.Config(flat: true);
        o["model_type"] = "glm46v";
        Assert.Equal(DecoderKind.Dense, Parse(o).Decoder);
    }

    [Fact]
    public void Eos_token_id_may_be_an_int_or_a_list()
    {
        var o = TinyCheckpoint.Config(vocab: 320);
        o["eos_token_id"] = 300;
        Assert.Equal([300], Parse(o).EosTokenIds);
        o["eos_token_id"] = new JsonArray(301, 302, 303);
        Assert.Equal([301, 302, 303], Parse(o).EosTokenIds);
        // Only in text_config (some exports): read from there.
        o.Remove("eos_token_id");
        o["text_config"]!["eos_token_id"] = 299;
        Assert.Equal([299], Parse(o).EosTokenIds);
        o["text_config"]!.AsObject().Remove("eos_token_id");
        Assert.Empty(Parse(o).EosTokenIds);
    }

    [Fact]
    public void Head_dim_defaults_to_hidden_over_heads_and_an_explicit_value_wins()
    {
        var o = TinyCheckpoint.Config(hidden: 64, heads: 4, mropeSection: [2, 1, 1]);
        Assert.False(o["text_config"]!.AsObject().ContainsKey("head_dim"));
        Assert.Equal(16, Parse(o).Text.HeadDim);
        o["text_config"]!["head_dim"] = 32;
        o["text_config"]!["rope_parameters"]!["mrope_section"] = new JsonArray(4, 2, 2);
        var c = Parse(o);
        Assert.Equal(32, c.Text.HeadDim);
        Assert.Equal(16, c.Text.RotaryDim);
    }

    [Fact]
    public void Whole_number_written_as_a_float_is_accepted()
    {
        var o = TinyCheckpoint.Config(hidden: 64);
        o["text_config"]!["hidden_size"] = 64.0;
        o["vision_config"]!["out_hidden_size"] = 64.0;
        Assert.Equal(64, Parse(o).Text.HiddenSize);
    }

    /// <summary>Invalid configs by name: (mutation, expected Field).</summary>
    public static TheoryData<string, string> InvalidFields() => new()
    {
        { "mrope_section sums wrong", "text_config.rope_parameters.mrope_section" },
        { "mrope_section missing", "text_config.rope_parameters.mrope_section" },
        { "mrope_section negative", "text_config.rope_parameters.mrope_section" },
        { "legacy mrope_section sums wrong", "text_config.rope_scaling.mrope_section" },
        { "flat mrope_section sums wrong", "rope_parameters.mrope_section" },
        { "rope type yarn", "text_config.rope_parameters.rope_type" },
        { "partial_rotary_factor zero", "text_config.rope_parameters.partial_rotary_factor" },
        { "model_type missing", "model_type" },
        { "model_type not a string", "model_type" },
        { "out_hidden_size differs", "vision_config.out_hidden_size" },
        { "image_token_id outside vocab", "image_token_id" },
        { "video_end_token_id negative", "video_end_token_id" },
        { "hidden_size fractional", "text_config.hidden_size" },
        { "num_hidden_layers a string", "text_config.num_hidden_layers" },
        { "hidden_size negative", "text_config.hidden_size" },
        { "flat hidden_size a string", "hidden_size" },
        { "rms_norm_eps a string", "text_config.rms_norm_eps" },
        { "vision attention_bias a string", "vision_config.attention_bias" },
        { "vision depth fractional", "vision_config.depth" },
        { "eos_token_id list with a string", "eos_token_id" },
        { "pad_token_id boolean", "pad_token_id" },
        { "text_config not an object", "text_config" },
        { "num_key_value_heads does not divide", "text_config.num_key_value_heads" },
        { "heads do not divide hidden", "text_config.num_attention_heads" },
        { "hidden_act unknown", "text_config.hidden_act" },
        { "vision num_heads does not divide", "vision_config.num_heads" },
        { "vision spatial_merge_size 5", "vision_config.spatial_merge_size" },
        { "vision in_channels 4", "vision_config.in_channels" },
        { "moe experts per token too many", "text_config.num_experts_per_tok" },
    };

    [Theory, MemberData(nameof(InvalidFields))]
    public void Invalid_value_is_a_ModelConfigException_naming_the_field(string mutation, string field)
    {
        var o = TinyCheckpoint.Config(hidden: 64, heads: 4, vocab: 320, mropeSection: [2, 1, 1], legacyRope: mutation.StartsWith("legacy"), flat: mutation.StartsWith("flat"));
        var t = (o["text_config"] as JsonObject) ?? o;
        var rope = (t["rope_parameters"] ?? t["rope_scaling"])!.AsObject();
        var v = o["vision_config"]!.AsObject();
        switch (mutation)
        {
            case "mrope_section sums wrong" or "legacy mrope_section sums wrong" or "flat mrope_section sums wrong":
                rope["mrope_section"] = new JsonArray(1, 1, 1); break;
            case "mrope_section missing": rope.Remove("mrope_section"); break;
            case "mrope_section negative": rope["mrope_section"] = new JsonArray(5, -1); break;
            case "rope type yarn": rope["rope_type"] = "yarn"; break;
            case "partial_rotary_factor zero": rope["partial_rotary_factor"] = 0; break;
            case "model_type missing": o.Remove("model_type"); break;
            case "model_type not a string": o["model_type"] = 4; break;
            case "out_hidden_size differs": v["out_hidden_size"] = 96; break;
            case "image_token_id outside vocab": o["image_token_id"] = 320; break;
            case "video_end_token_id negative": o["video_end_token_id"] = -1; break;
            case "hidden_size fractional": t["hidden_size"] = 64.5; break;
            case "num_hidden_layers a string": t["num_hidden_layers"] = "2"; break;
            case "hidden_size negative": t["hidden_size"] = -64; break;
            case "flat hidden_size a string": t["hidden_size"] = "64"; break;
            case "rms_norm_eps a string": t["rms_norm_eps"] = "1e-5"; break;
            case "vision attention_bias a string": v["attention_bias"] = "no"; break;
            case "vision depth fractional": v["depth"] = 2.5; break;
            case "eos_token_id list with a string": o["eos_token_id"] = new JsonArray(1, "two"); break;
            case "pad_token_id boolean": o["pad_token_id"] = true; break;
            case "text_config not an object": o["text_config"] = "glm4v_text"; break;
            case "num_key_value_heads does not divide": t["num_key_value_heads"] = 3; break;
            case "heads do not divide hidden": t["num_attention_heads"] = 6; break;
            case "hidden_act unknown": t["hidden_act"] = "tanh"; break;
            case "vision num_heads does not divide": v["num_heads"] = 5; break;
            case "vision spatial_merge_size 5": v["spatial_merge_size"] = 5; break;
            case "vision in_channels 4": v["in_channels"] = 4; break;
            case "moe experts per token too many":
                o["model_type"] = "glm4v_moe";
                t["model_type"] = "glm4v_moe_text";
                t["n_routed_experts"] = 4;
                t["num_experts_per_tok"] = 5;
                break;
            default: throw new ArgumentException(mutation);
        }

        var e = Assert.Throws<ModelConfigException>(() => Parse(o));
        Assert.Equal(field, e.Field);
        Assert.Equal("config.json", e.File);
        Assert.Contains($"'{field}'", e.Message);
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("qwen2_vl")]
    [InlineData("glm4")]
    public void Non_glm4v_model_type_is_an_UnsupportedModelException(string modelType)
    {
        var o = TinyCheckpoint.Config();
        o["model_type"] = modelType;
        var e = Assert.Throws<UnsupportedModelException>(() => Parse(o));
        Assert.Equal(modelType, e.ModelType);
        Assert.Contains($"'{modelType}'", e.Message);
    }

    [Theory]
    [InlineData("{\"model_type\": ")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public void Text_that_is_not_a_json_object_is_a_ModelConfigException(string json)
    {
        var e = Assert.Throws<ModelConfigException>(() => Glm4vConfig.Parse(json));
        Assert.Equal("config.json", e.File);
        Assert.Null(e.Field);
    }

    [Fact]
    public void Load_reports_a_missing_or_unreadable_file()
    {
        using var tmp = new TempDir();
        var missing = Assert.Throws<ModelConfigException>(() => Glm4vConfig.Load(tmp.Path));
        Assert.Equal("config.json", missing.File);
        Assert.Null(missing.Field);
        Assert.Contains("not found", missing.Message);

        File.WriteAllText(tmp.Sub("config.json"), "{ \"model_type\": \"glm4v\", ");
        var invalid = Assert.Throws<ModelConfigException>(() => Glm4vConfig.Load(tmp.Path));
        Assert.Contains("invalid JSON", invalid.Message);
    }

    [Fact]
    public void Load_accepts_comments_and_trailing_commas_and_Parse_agrees()
    {
        using var tmp = new TempDir();
        string json = TinyCheckpoint.Config().ToJsonString();
        json = "// exported by hand\n" + json[..^1] + ", }";
        File.WriteAllText(tmp.Sub("config.json"), json);
        var loaded = Glm4vConfig.Load(tmp.Path);
        Assert.Equal(64, loaded.Text.HiddenSize);
        Assert.Equal(64, Glm4vConfig.Parse(json).Text.HiddenSize);
    }
}
