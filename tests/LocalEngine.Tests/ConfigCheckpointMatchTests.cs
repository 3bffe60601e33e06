using System.Text.Json.Nodes;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// config.json sizes are matched against the checkpoint's tensor names and shapes (safetensors headers only) before any
/// module is built: an absurd size fails at once with a <see cref="ModelConfigException"/> naming the field and what
/// the checkpoint holds, instead of building (and allocating for) a model the weights cannot fill. The cases that
/// allocated gigabytes before run in a child process, so a regression fails one test instead of exhausting memory.
/// </summary>
public sealed class ConfigCheckpointMatchTests
{
    const int Absurd = 1_000_000;

    /// <summary>A random tiny checkpoint whose config.json is then edited (the weights stay those of the original config).</summary>
    static string EditedCheckpoint(JsonObject config, Action<JsonObject> edit, string? dir = null)
    {
        dir = TinyCheckpoint.Write(dir ?? RandomModels.NewTempDir("edited"), config);
        edit(config);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        return dir;
    }

    static JsonObject Text(JsonObject config) => (JsonObject)config["text_config"]!;

    static ModelConfigException LoadFails(string dir)
    {
        var e = Assert.Throws<ModelConfigException>(() => { using var _ = Glm4vEngine.Load(dir); });
        Assert.Equal("config.json", e.File);
        return e;
    }

    // ---- cases that allocated without bound before the check: in a child process ----

    [Fact]
    public void A_million_decoder_layers_fail_before_any_layer_is_built()
    {
        var outcome = ChildProcessProbe.Run(LoadMillionLayers, TimeSpan.FromSeconds(60));
        AssertConfigError(outcome, "text_config.num_hidden_layers", "2 decoder layers");
    }

    [Fact]
    public void A_million_layers_in_a_flat_config_name_the_top_level_field()
    {
        var outcome = ChildProcessProbe.Run(LoadMillionLayersFlat, TimeSpan.FromSeconds(60));
        AssertConfigError(outcome, "'num_hidden_layers'", "2 decoder layers");
    }

    [Fact]
    public void A_million_vision_blocks_fail_before_any_block_is_built()
    {
        var outcome = ChildProcessProbe.Run(LoadMillionVisionBlocks, TimeSpan.FromSeconds(60));
        AssertConfigError(outcome, "vision_config.depth", "2 vision blocks");
    }

    [Fact]
    public void A_million_experts_fail_before_any_expert_is_built()
    {
        var outcome = ChildProcessProbe.Run(LoadMillionExperts, TimeSpan.FromSeconds(60));
        AssertConfigError(outcome, "text_config.n_routed_experts", "8 experts");
    }

    static void AssertConfigError(ChildProcessProbe.Outcome outcome, string field, string checkpointHas)
    {
        Assert.False(outcome.Crashed, outcome.ToString());
        Assert.Equal(typeof(ModelConfigException).FullName, outcome.ExceptionType);
        Assert.Contains(field, outcome.ExceptionMessage);
        Assert.Contains(Absurd.ToString(), outcome.ExceptionMessage);
        Assert.Contains(checkpointHas, outcome.ExceptionMessage);
    }

    static string LoadMillionLayers() => LoadEdited(TinyCheckpoint.Config(layers: 2), c => Text(c)["num_hidden_layers"] = Absurd);

    static string LoadMillionLayersFlat() => LoadEdited(TinyCheckpoint.Config(layers: 2, flat: true), c => c["num_hidden_layers"] = Absurd);

    static string LoadMillionVisionBlocks() => LoadEdited(TinyCheckpoint.Config(visionDepth: 2), c => c["vision_config"]!["depth"] = Absurd);

    static string LoadMillionExperts() => LoadEdited(TinyCheckpoint.MoeConfig(experts: 8), c => Text(c)["n_routed_experts"] = Absurd);

    /// <summary>
    /// Runs in the child. Its own temp folder, removed here: RandomModels' exit handler does not run to completion when a
    /// probe exits (the child then hangs until the probe's timeout).
    /// </summary>
    static string LoadEdited(JsonObject config, Action<JsonObject> edit)
    {
        string dir = Path.Combine(Path.GetTempPath(), "glm4vsk-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var engine = Glm4vEngine.Load(EditedCheckpoint(config, edit, dir));
            return "loaded";
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // ---- sizes checked against the tensor shapes ----

    [Fact]
    public void A_million_attention_heads_name_the_field_and_the_q_proj_rows()
    {
        // head_dim is given, so hidden_size need not divide by the head count and the config parses.
        string dir = EditedCheckpoint(TinyCheckpoint.Config(hidden: 64, heads: 4, kvHeads: 2), c =>
        {
            Text(c)["head_dim"] = 16;
            Text(c)["num_attention_heads"] = Absurd;
        });
        var e = LoadFails(dir);
        Assert.Equal("text_config.num_attention_heads", e.Field);
        Assert.Contains("q_proj", e.Message);
        Assert.Contains("64 rows", e.Message);
    }

    [Fact]
    public void Key_value_heads_that_disagree_with_k_proj_name_the_field()
    {
        string dir = EditedCheckpoint(TinyCheckpoint.Config(hidden: 64, heads: 4, kvHeads: 2), c => Text(c)["num_key_value_heads"] = 4);
        var e = LoadFails(dir);
        Assert.Equal("text_config.num_key_value_heads", e.Field);
        Assert.Contains("k_proj", e.Message);
    }

    [Fact]
    public void A_million_token_vocabulary_names_the_field_and_the_embedding_rows()
    {
        string dir = EditedCheckpoint(TinyCheckpoint.Config(vocab: 320), c => Text(c)["vocab_size"] = Absurd);
        var e = LoadFails(dir);
        Assert.Equal("text_config.vocab_size", e.Field);
        Assert.Contains("embed_tokens", e.Message);
        Assert.Contains("320", e.Message);
    }

    [Fact]
    public void A_hidden_size_that_disagrees_with_the_embedding_names_the_field()
    {
        string dir = EditedCheckpoint(TinyCheckpoint.Config(hidden: 64, heads: 4), c =>
        {
            Text(c)["hidden_size"] = Absurd;
            Text(c)["head_dim"] = 16;
            c["vision_config"]!["out_hidden_size"] = Absurd;
        });
        var e = LoadFails(dir);
        Assert.Equal("text_config.hidden_size", e.Field);
        Assert.Contains("64", e.Message);
    }

    [Fact]
    public void A_vision_width_that_disagrees_with_the_patch_embedding_names_the_field()
    {
        string dir = EditedCheckpoint(TinyCheckpoint.Config(visionHidden: 32, visionHeads: 4), c => c["vision_config"]!["hidden_size"] = 64_000);
        var e = LoadFails(dir);
        Assert.Equal("vision_config.hidden_size", e.Field);
        Assert.Contains("patch_embed", e.Message);
    }

    [Fact]
    public void An_image_size_that_disagrees_with_the_position_table_names_the_field()
    {
        // 14 000 px / 14 = a 1000 × 1000 position table: a million rows where the checkpoint has 8 × 8.
        string dir = EditedCheckpoint(TinyCheckpoint.Config(imageSize: 112), c => c["vision_config"]!["image_size"] = 14_000);
        var e = LoadFails(dir);
        Assert.Equal("vision_config.image_size", e.Field);
        Assert.Contains("position_embedding", e.Message);
        Assert.Contains("64 rows", e.Message);
    }

    [Fact]
    public void Fewer_layers_than_the_checkpoint_holds_still_load()
    {
        // The checkpoint's extra layers are what the MTP layer of GLM-4.5V looks like: ignored, not an error.
        string dir = EditedCheckpoint(TinyCheckpoint.Config(layers: 3), c => Text(c)["num_hidden_layers"] = 2);
        using var engine = Glm4vEngine.Load(dir);
        Assert.Equal(2, engine.Model.LayerCount);
    }

    [Theory]
    [InlineData("n_shared_experts", -1)]
    [InlineData("first_k_dense_replace", -1)]
    [InlineData("n_routed_experts", 0)]
    [InlineData("n_routed_experts", -8)]
    public void Negative_moe_counts_are_config_errors(string key, int value)
    {
        var c = TinyCheckpoint.MoeConfig();
        Text(c)[key] = value;
        var e = Assert.Throws<ModelConfigException>(() => Glm4vConfig.Parse(c.ToJsonString()));
        Assert.Equal($"text_config.{key}", e.Field);
    }
}
