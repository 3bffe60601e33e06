using Glm4vSK.LocalEngine.Tests.Support;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary><see cref="GenerationConfig.Load"/>: stop ids and sampling defaults from generation_config.json.</summary>
public sealed class GenerationConfigTests
{
    [Fact]
    public void Fixture_generation_config_is_read()
    {
        var g = GenerationConfig.Load(TestModels.TinySharded);
        Assert.Equal([296, 297], g.EosTokenIds);
        Assert.Equal(296, g.PadTokenId);
        Assert.False(g.DoSample);
        Assert.Null(g.Temperature);
        Assert.Null(g.TopK);
    }

    [Fact]
    public void Sampling_values_and_a_single_eos_id_are_read()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.Sub("generation_config.json"), """
            {
              "eos_token_id": 151329,
              "pad_token_id": 151330,
              "do_sample": true,
              "temperature": 0.8,
              "top_p": 0.6,
              "top_k": 2,
              "repetition_penalty": 1.1,
              "max_new_tokens": 8192,
              "transformers_version": "4.57.1"
            }
            """);
        var g = GenerationConfig.Load(tmp.Path);
        Assert.Equal([151329], g.EosTokenIds);
        Assert.Equal(151330, g.PadTokenId);
        Assert.True(g.DoSample);
        Assert.Equal(0.8f, g.Temperature);
        Assert.Equal(0.6f, g.TopP);
        Assert.Equal(2, g.TopK);
        Assert.Equal(1.1f, g.RepetitionPenalty);
        Assert.Equal(8192, g.MaxNewTokens);
    }

    [Fact]
    public void Missing_file_gives_the_empty_config()
    {
        using var tmp = new TempDir();
        var g = GenerationConfig.Load(tmp.Path);
        Assert.Empty(g.EosTokenIds);
        Assert.Null(g.PadTokenId);
        Assert.False(g.DoSample);
        Assert.Null(g.Temperature);
        Assert.Null(g.TopP);
        Assert.Null(g.TopK);
        Assert.Null(g.RepetitionPenalty);
        Assert.Null(g.MaxNewTokens);
    }

    [Fact]
    public void Engine_loads_without_a_generation_config()
    {
        using var tmp = new TempDir();
        string dir = tmp.CopyModel(TestModels.TinySharded);
        File.Delete(Path.Combine(dir, "generation_config.json"));
        using var engine = Glm4vEngine.Load(dir);
        Assert.Empty(engine.GenerationConfig.EosTokenIds);
        Assert.Equal([296, 297], engine.Config.EosTokenIds);
    }

    [Theory]
    [InlineData("{\"top_k\": \"many\"}", "top_k")]
    [InlineData("{\"temperature\": [1]}", "temperature")]
    [InlineData("{\"do_sample\": \"yes\"}", "do_sample")]
    [InlineData("{\"eos_token_id\": [1, null]}", "eos_token_id")]
    public void Bad_value_names_the_file_and_field(string json, string field)
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.Sub("generation_config.json"), json);
        var e = Assert.Throws<ModelConfigException>(() => GenerationConfig.Load(tmp.Path));
        Assert.Equal("generation_config.json", e.File);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Invalid_json_names_the_file()
    {
        using var tmp = new TempDir();
        File.WriteAllText(tmp.Sub("generation_config.json"), "{\"eos_token_id\": [1,");
        var e = Assert.Throws<ModelConfigException>(() => GenerationConfig.Load(tmp.Path));
        Assert.Equal("generation_config.json", e.File);
        Assert.Null(e.Field);
    }
}
