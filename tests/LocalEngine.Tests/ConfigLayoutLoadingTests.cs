using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Testing;
using Glm4vSK.LocalEngine.Tests.Support;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// The same weights under each config.json spelling (v5 nested rope_parameters, 4.5x rope_scaling + top-level rope
/// keys, flat layout, glm46v) load into the same model: the logits are bit-identical. Weights are written once
/// (nested layout) and only config.json is swapped.
/// </summary>
public sealed class ConfigLayoutLoadingTests : IClassFixture<ConfigLayoutLoadingTests.NestedModel>
{
    /// <summary>One random tiny checkpoint (nested config) and its logits, shared by the tests of this class.</summary>
    public sealed class NestedModel : IDisposable
    {
        public NestedModel()
        {
            Dir = TinyCheckpoint.Write(Temp.Sub("nested"), Layout("nested"));
            using var engine = Glm4vEngine.Load(Dir);
            Logits = ProbePrompt.Logits(engine);
        }

        public TempDir Temp { get; } = new("glm4vsk-layouts");
        public string Dir { get; }
        public Tensor Logits { get; }

        public void Dispose()
        {
            Logits.Dispose();
            Temp.Dispose();
        }
    }

    const double Theta = 5000;
    readonly NestedModel _nested;

    public ConfigLayoutLoadingTests(NestedModel nested) => _nested = nested;

    static JsonObject Layout(string layout, double theta = Theta)
    {
        var c = TinyCheckpoint.Config(layers: 2, hidden: 64, heads: 4, vocab: 320, ropeTheta: theta,
            legacyRope: layout.Contains("legacy"), flat: layout.Contains("flat"));
        if (layout.Contains("glm46v")) c["model_type"] = "glm46v";
        return c;
    }

    /// <summary>A copy of the nested model's weights with another config.json.</summary>
    string WithConfig(string name, JsonObject config)
    {
        string dir = _nested.Temp.Sub(name, create: true);
        foreach (var f in Directory.GetFiles(_nested.Dir))
            if (Path.GetFileName(f) != "config.json") File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return dir;
    }

    [Theory]
    [InlineData("legacy")]
    [InlineData("flat")]
    [InlineData("flat+legacy")]
    [InlineData("glm46v")]
    [InlineData("glm46v+flat+legacy")]
    public void Config_layout_gives_the_same_logits_as_the_nested_layout(string layout)
    {
        var config = Layout(layout);
        Assert.Equal(layout.Contains("flat"), !config.ContainsKey("text_config"));
        string dir = WithConfig(layout, config);

        using var engine = Glm4vEngine.Load(dir);
        Assert.Equal(64, engine.Config.Text.HiddenSize);
        Assert.Equal(Theta, engine.Config.Text.RopeTheta);
        using var logits = ProbePrompt.Logits(engine);
        ProbePrompt.AssertIdentical($"logits with the {layout} config", _nested.Logits, logits);
    }

    [Theory]
    [InlineData("nested")]
    [InlineData("legacy")]
    [InlineData("flat+legacy")]
    public void Rope_theta_read_from_each_layout_really_reaches_the_model(string layout)
    {
        // Control for the equality test above: with a different theta the logits must change, so the equality is not
        // vacuous (the rope settings of every layout are consumed).
        string dir = WithConfig(layout + "-theta", Layout(layout, theta: 50));
        using var engine = Glm4vEngine.Load(dir);
        Assert.Equal(50.0, engine.Config.Text.RopeTheta);
        using var logits = ProbePrompt.Logits(engine);
        double maxDiff = (logits - _nested.Logits).abs().max().item<float>();
        Assert.True(maxDiff > 1e-3, $"rope_theta 50 vs {Theta} changed the logits by only {maxDiff:G3}.");
    }
}
