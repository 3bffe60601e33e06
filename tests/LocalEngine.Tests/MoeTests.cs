using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Model;
using Glm4vSK.LocalEngine.Testing;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>The mixture-of-experts decoder beyond what the fixtures pin down: grouped routing, scaling, FP8 rejection, bf16 layout.</summary>
public sealed class MoeTests
{
    public static TheoryData<string> RoutingConfigs() => new(["moe-e8-top2", "moe-e16-top4-groups4-scaled"]);

    /// <summary>Routing recomputed in double precision, straight from the definition, for every token.</summary>
    [Theory, MemberData(nameof(RoutingConfigs))]
    public void Routing_follows_the_grouped_biased_top_k_definition(string name)
    {
        string dir = RandomModels.Dir(name, RandomModels.Configs[name]);
        var config = Glm4vConfig.Load(dir);
        var moe = config.Text.Moe!;
        using var cp = Checkpoint.Open(dir);
        var loader = new WeightLoader(cp, ScalarType.Float32, CPU, config.Text.NumHiddenLayers, null);
        using var block = new MixtureOfExperts(loader, "model.language_model.layers.1.mlp", config.Text);
        using var gateT = cp.Read("model.language_model.layers.1.mlp.gate.weight");
        using var biasT = cp.Read("model.language_model.layers.1.mlp.gate.e_score_correction_bias");
        var gate = gateT.to(ScalarType.Float64).data<double>().ToArray();
        var bias = biasT.to(ScalarType.Float64).data<double>().ToArray();
        int e = moe.NRoutedExperts, h = config.Text.HiddenSize, tokens = 40;
        using var x = randn([tokens, h], generator: new TorchSharp.torch.Generator(17));
        var xs = x.to(ScalarType.Float64).data<double>().ToArray();
        var (idxT, wT) = block.Route(x);
        using (idxT) using (wT)
        {
            var idx = idxT.data<long>().ToArray();
            var w = wT.to(ScalarType.Float64).data<double>().ToArray();
            int k = moe.NumExpertsPerTok, perGroup = e / moe.NGroup;
            for (int t = 0; t < tokens; t++)
            {
                var s = new double[e];
                for (int j = 0; j < e; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < h; d++) dot += xs[t * h + d] * gate[j * h + d];
                    s[j] = 1 / (1 + Math.Exp(-dot));
                }
                var choice = s.Select((v, j) => v + bias[j]).ToArray();
                var groupScore = Enumerable.Range(0, moe.NGroup)
                    .Select(g => choice.Skip(g * perGroup).Take(perGroup).OrderDescending().Take(Math.Min(2, perGroup)).Sum()).ToArray();
                var keptGroups = Enumerable.Range(0, moe.NGroup).OrderByDescending(g => groupScore[g]).Take(moe.TopkGroup).ToHashSet();
                var masked = choice.Select((v, j) => keptGroups.Contains(j / perGroup) ? v : 0.0).ToArray();
                var expected = Enumerable.Range(0, e).OrderByDescending(j => masked[j]).Take(k).ToArray();
                var actual = idx.Skip(t * k).Take(k).Select(i => (int)i).ToArray();
                Assert.Equal(expected.Order(), actual.Order());
                double sum = expected.Sum(j => s[j]);
                for (int m = 0; m < k; m++)
                {
                    double want = s[actual[m]] / (moe.NormTopkProb ? sum + 1e-20 : 1) * moe.RoutedScalingFactor;
                    Assert.True(Math.Abs(want - w[t * k + m]) < 1e-5, $"token {t}, expert {actual[m]}: weight {w[t * k + m]} vs {want}");
                }
            }
        }
    }

    [Fact]
    public void Fp8_checkpoints_are_recognised_and_refused()
    {
        string dir = RandomModels.NewTempDir("fp8");
        var c = TinyCheckpoint.MoeConfig();
        c["quantization_config"] = new JsonObject { ["quant_method"] = "compressed-tensors", ["format"] = "float-quantized" };
        File.WriteAllText(Path.Combine(dir, "config.json"), c.ToJsonString());
        var e = Assert.Throws<UnsupportedModelException>(() => Glm4vEngine.Load(dir));
        Assert.Contains("FP8", e.Message);
        c["quantization_config"] = new JsonObject { ["quant_method"] = "fp8" };
        File.WriteAllText(Path.Combine(dir, "config.json"), c.ToJsonString());
        Assert.Throws<UnsupportedModelException>(() => Glm4vEngine.Load(dir));
    }

    [Fact]
    public async Task A_bf16_moe_checkpoint_keeps_its_fp32_correction_bias_and_runs()
    {
        string dir = RandomModels.Dir("moe-bf16", () => TinyCheckpoint.MoeConfig(), ScalarType.BFloat16);
        using var cp = Checkpoint.Open(dir);
        Assert.Equal(ScalarType.Float32, cp.Entry("model.language_model.layers.1.mlp.gate.e_score_correction_bias").ScalarType);
        Assert.Equal(ScalarType.BFloat16, cp.Entry("model.language_model.layers.1.mlp.experts.3.up_proj.weight").ScalarType);
        using var engine = Glm4vEngine.Load(dir);
        Assert.Equal(ScalarType.BFloat16, engine.DType);
        using var inputs = ModelInputs.FromTokens([[1, 2, 3, 4, 5]], 0);
        var tokens = await engine.GenerateAllAsync(inputs, new SamplingOptions { MaxNewTokens = 3, DoSample = false, IgnoreEos = true });
        Assert.Equal(3, tokens[0].Count);
    }

    [Fact]
    public void An_mtp_layer_past_num_hidden_layers_is_ignored()
    {
        string src = RandomModels.Dir("moe-e8-top2", RandomModels.Configs["moe-e8-top2"]);
        string dir = RandomModels.NewTempDir("moe-mtp");
        foreach (var f in Directory.GetFiles(src, "*.json")) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        using (var cp = Checkpoint.Open(src))
        {
            var all = cp.TensorNames.OrderBy(n => n, StringComparer.Ordinal).Select(n => new KeyValuePair<string, Tensor>(n, cp.Read(n))).ToList();
            // A copy of layer 1 as "layer 2" (num_hidden_layers = 2), like the MTP layer of the hub checkpoints.
            all.AddRange(all.Where(kv => kv.Key.StartsWith("model.language_model.layers.1.", StringComparison.Ordinal)).ToList()
                .Select(kv => new KeyValuePair<string, Tensor>(kv.Key.Replace("layers.1.", "layers.2."), kv.Value)));
            SafetensorsWriter.Write(Path.Combine(dir, Checkpoint.SingleFileName), all);
        }
        using var engine = Glm4vEngine.Load(dir);
        Assert.Equal(2, engine.Model.LayerCount);
    }
}
