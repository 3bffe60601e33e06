using Glm4vSK.LocalEngine.Generation;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>The logits processors against values worked out by hand with Hugging Face's definitions.</summary>
public sealed class SamplerTests
{
    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_scores_of_seen_tokens()
    {
        using var scores = tensor(new float[,] { { 2f, -1f, 0.5f, 3f } });
        using var history = tensor(new long[,] { { 0, 1, 1 } });
        using var r = Sampler.ApplyRepetitionPenalty(scores, history, 2f);
        Assert.Equal(new[] { 1f, -2f, 0.5f, 3f }, r.data<float>().ToArray());
    }

    [Fact]
    public void Top_k_keeps_the_k_best_including_ties_at_the_boundary()
    {
        using var scores = tensor(new float[,] { { 1f, 4f, 3f, 3f, 0f } });
        using var r = Sampler.TopK(scores, 2);
        var v = r.data<float>().ToArray();
        Assert.Equal(float.NegativeInfinity, v[0]);
        Assert.Equal(4f, v[1]);
        Assert.Equal(3f, v[2]);
        Assert.Equal(3f, v[3]); // HF keeps every score ≥ the k-th value
        Assert.Equal(float.NegativeInfinity, v[4]);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_p_and_always_the_best_token()
    {
        // softmax(log p) = p: probabilities 0.5, 0.3, 0.15, 0.05
        using var scores = tensor(new float[,] { { MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f) } });
        using var r = Sampler.TopP(scores, 0.75f);
        var kept = r.data<float>().Select(x => !float.IsNegativeInfinity(x)).ToArray();
        Assert.Equal(new[] { true, true, false, false }, kept);
        using var tiny = Sampler.TopP(scores, 0.01f);
        Assert.Equal(1, tiny.data<float>().Count(x => !float.IsNegativeInfinity(x)));
    }

    [Fact]
    public void Sampling_follows_the_distribution()
    {
        var s = new SamplingOptions { DoSample = true, Seed = 9, MaxNewTokens = 1 }.Resolve(new GenerationConfig(), Glm4vConfig.Parse(MinimalConfig));
        using var sampler = new Sampler(s, CPU);
        using var logits = tensor(new float[,] { { MathF.Log(0.7f), MathF.Log(0.2f), MathF.Log(0.1f) } });
        var counts = new int[3];
        for (int i = 0; i < 3000; i++) counts[sampler.Next(logits, null)[0]]++;
        Assert.InRange(counts[0], 1950, 2250);
        Assert.InRange(counts[1], 480, 720);
        Assert.InRange(counts[2], 210, 390);
    }

    [Fact]
    public void Generation_config_supplies_defaults_and_options_override_them()
    {
        var g = new GenerationConfig { DoSample = true, Temperature = 0.8f, TopP = 0.6f, TopK = 2, RepetitionPenalty = 1.1f, EosTokenIds = [5, 6], PadTokenId = 5 };
        var config = Glm4vConfig.Parse(MinimalConfig);
        var d = new SamplingOptions().Resolve(g, config);
        Assert.True(d.DoSample);
        Assert.Equal((0.8f, 0.6f, 2, 1.1f), (d.Temperature, d.TopP, d.TopK, d.RepetitionPenalty));
        Assert.Equal(new[] { 5, 6 }, d.StopTokenIds);
        var o = new SamplingOptions { DoSample = false, StopTokenIds = [9] }.Resolve(g, config);
        Assert.False(o.DoSample);
        Assert.Equal(new[] { 5, 6, 9 }, o.StopTokenIds);
        var plain = new SamplingOptions { IgnoreGenerationConfigDefaults = true }.Resolve(g, config);
        Assert.False(plain.DoSample);
        Assert.Equal(1f, plain.RepetitionPenalty);
        Assert.Empty(new SamplingOptions { IgnoreEos = true }.Resolve(g, config).StopTokenIds);
    }

    [Theory]
    [InlineData("Temperature", float.NaN)]
    [InlineData("Temperature", float.PositiveInfinity)]
    [InlineData("Temperature", float.NegativeInfinity)]
    [InlineData("Temperature", -0.5f)]
    [InlineData("TopP", float.NaN)]
    [InlineData("TopP", 0f)]
    [InlineData("TopP", -0.1f)]
    [InlineData("TopP", 1.01f)]
    [InlineData("TopP", float.PositiveInfinity)]
    [InlineData("TopK", -1f)]
    [InlineData("RepetitionPenalty", float.NaN)]
    [InlineData("RepetitionPenalty", float.PositiveInfinity)]
    [InlineData("RepetitionPenalty", 0f)]
    [InlineData("RepetitionPenalty", -1f)]
    [InlineData("MaxNewTokens", 0f)]
    [InlineData("MaxNewTokens", -3f)]
    [InlineData("ThinkingBudget", -1f)]
    [InlineData("ThinkEndTokenId", -1f)]
    [InlineData("ThinkEndTokenId", 20f)]    // the vocabulary has 20 tokens
    [InlineData("StopTokenIds", -2f)]
    public void Invalid_sampling_values_are_rejected_naming_the_field(string field, float value)
    {
        var o = field switch
        {
            "Temperature" => new SamplingOptions { DoSample = true, Temperature = value },
            "TopP" => new SamplingOptions { DoSample = true, TopP = value },
            "TopK" => new SamplingOptions { DoSample = true, TopK = (int)value },
            "RepetitionPenalty" => new SamplingOptions { RepetitionPenalty = value },
            "MaxNewTokens" => new SamplingOptions { MaxNewTokens = (int)value },
            "ThinkingBudget" => new SamplingOptions { ThinkingBudget = (int)value, ThinkEndTokenId = 5 },
            "ThinkEndTokenId" => new SamplingOptions { ThinkingBudget = 10, ThinkEndTokenId = (int)value },
            _ => new SamplingOptions { StopTokenIds = [(int)value] },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => o.Resolve(new GenerationConfig(), Glm4vConfig.Parse(MinimalConfig)));
        Assert.Equal(field, e.ParamName);
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData("temperature", float.NaN)]
    [InlineData("temperature", float.PositiveInfinity)]
    [InlineData("top_p", float.NaN)]
    [InlineData("repetition_penalty", float.NaN)]
    [InlineData("repetition_penalty", 0f)]
    public void Invalid_generation_config_defaults_are_rejected_naming_the_file_key(string key, float value)
    {
        var g = key switch
        {
            "temperature" => new GenerationConfig { DoSample = true, Temperature = value },
            "top_p" => new GenerationConfig { DoSample = true, TopP = value },
            _ => new GenerationConfig { RepetitionPenalty = value },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SamplingOptions().Resolve(g, Glm4vConfig.Parse(MinimalConfig)));
        Assert.Contains($"generation_config.json '{key}'", e.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.7f)]
    [InlineData(2f)]
    public void Finite_non_negative_temperatures_are_accepted(float temperature)
    {
        var r = new SamplingOptions { DoSample = true, Temperature = temperature, TopP = 1f, TopK = 0, RepetitionPenalty = 1.2f }
            .Resolve(new GenerationConfig(), Glm4vConfig.Parse(MinimalConfig));
        Assert.Equal(temperature > 0, r.DoSample);   // 0 means greedy
    }

    const string MinimalConfig = """
        {"model_type": "glm4v", "text_config": {"vocab_size": 20, "hidden_size": 16, "num_attention_heads": 2, "num_key_value_heads": 1,
         "rope_parameters": {"rope_type": "default", "mrope_section": [1, 1, 0], "partial_rotary_factor": 0.5}},
         "vision_config": {"hidden_size": 8, "num_heads": 2, "out_hidden_size": 16},
         "image_token_id": 10, "video_token_id": 11, "image_start_token_id": 12, "image_end_token_id": 13,
         "video_start_token_id": 14, "video_end_token_id": 15, "eos_token_id": 19, "pad_token_id": 19}
        """;

    [Fact]
    public void Frequency_and_presence_penalties_count_the_generated_tokens_across_steps()
    {
        // The same logits every step: token 1 leads token 2 by 1.5. Presence 2 flips the lead once 1 was picked, then
        // both were picked and 1 leads again; frequency 1 lets 1 and 2 alternate by their counts.
        float[] row = [0f, 3f, 1.5f, -1f];
        using var logits = tensor(row).view(1, 4);
        var presence = new ResolvedSampling(8, false, 1f, 1f, 0, 1f, null, [], 0) { PresencePenalty = 2f };
        using (var sampler = new Sampler(presence, CPU))
            Assert.Equal(new long[] { 1, 2, 1, 1 }, Enumerable.Range(0, 4).Select(_ => sampler.Next(logits, null)[0]).ToArray());
        var frequency = new ResolvedSampling(8, false, 1f, 1f, 0, 1f, null, [], 0) { FrequencyPenalty = 1f };
        // counts → scores of (1, 2): (0,0) 3/1.5 → 1; (1,0) 2/1.5 → 1; (2,0) 1/1.5 → 2; (2,1) 1/0.5 → 1; (3,1) 0/0.5 → 2
        using (var sampler = new Sampler(frequency, CPU))
            Assert.Equal(new long[] { 1, 1, 2, 1, 2 }, Enumerable.Range(0, 5).Select(_ => sampler.Next(logits, null)[0]).ToArray());
        var off = new ResolvedSampling(8, false, 1f, 1f, 0, 1f, null, [], 0);
        using (var sampler = new Sampler(off, CPU))
            Assert.All(Enumerable.Range(0, 3).Select(_ => sampler.Next(logits, null)[0]), id => Assert.Equal(1L, id));
    }

    [Fact]
    public void Output_penalties_subtract_per_count_and_once_per_present_token()
    {
        using var scores = tensor(new float[,] { { 1f, 1f, 1f } });
        using var counts = tensor(new float[,] { { 0f, 1f, 3f } });
        using var r = Sampler.ApplyOutputPenalties(scores, counts, 0.5f, 0.25f);
        Assert.Equal(new[] { 1f, 0.25f, -0.75f }, r.data<float>().ToArray());
    }

    [Fact]
    public void Min_p_drops_tokens_below_the_fraction_of_the_best_and_keeps_the_best()
    {
        // probabilities 0.5, 0.3, 0.15, 0.05: min_p 0.5 keeps those ≥ 0.25
        using var scores = tensor(new float[,] { { MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f) } });
        using var r = Sampler.MinP(scores, 0.5f);
        Assert.Equal(new[] { true, true, false, false }, r.data<float>().Select(x => !float.IsNegativeInfinity(x)).ToArray());
        using var all = Sampler.MinP(scores, 1f);
        Assert.Equal(1, all.data<float>().Count(x => !float.IsNegativeInfinity(x)));
    }

    [Theory]
    [InlineData(nameof(SamplingOptions.FrequencyPenalty), 2.5f)]
    [InlineData(nameof(SamplingOptions.PresencePenalty), -3f)]
    [InlineData(nameof(SamplingOptions.PresencePenalty), float.NaN)]
    [InlineData(nameof(SamplingOptions.MinP), 1.5f)]
    public void Out_of_range_penalties_and_min_p_are_refused_naming_the_option(string option, float value)
    {
        var o = option switch
        {
            nameof(SamplingOptions.FrequencyPenalty) => new SamplingOptions { FrequencyPenalty = value },
            nameof(SamplingOptions.PresencePenalty) => new SamplingOptions { PresencePenalty = value },
            _ => new SamplingOptions { MinP = value },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => o.Resolve(new GenerationConfig(), Glm4vConfig.Parse(MinimalConfig)));
        Assert.Equal(option, e.ParamName);
    }
}
