using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Devices;
using Glm4vSK.LocalEngine.Generation;
using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Devices;

/// <summary>
/// Configurations the device tests run on PyTorch's meta device (shapes only, no memory, so full-size shapes cost
/// nothing): every fixture model the engine supports, the random test configs, and GLM-4.1V-9B / GLM-4.5V widths.
/// </summary>
public static class MetaModels
{
    static readonly Dictionary<string, Func<Glm4vConfig>> All = Build();

    public static TheoryData<string> Names => new(All.Keys.Order(StringComparer.Ordinal));

    public static Glm4vConfig Config(string name) => All[name]();

    /// <summary>The name of the configuration with the fewest decoder parameters (the injection tests).</summary>
    public static string Smallest => All.MinBy(kv => { var t = kv.Value().Text; return (long)t.HiddenSize * t.NumHiddenLayers; }).Key;

    static Dictionary<string, Func<Glm4vConfig>> Build()
    {
        var all = new Dictionary<string, Func<Glm4vConfig>>(StringComparer.Ordinal);
        string models = Path.Combine(FixtureRoot.Require(), "models");
        foreach (string dir in Directory.GetDirectories(models).Order(StringComparer.Ordinal))
            if (File.Exists(Path.Combine(dir, "config.json")) && EngineCache.NotApplicableReason(dir) is null)
                all["fixture " + Path.GetFileName(dir)] = () => Glm4vConfig.Load(dir);
        foreach (var (name, config) in RandomModels.Configs) all["random " + name] = () => Parse(config());
        // Full widths; depth trimmed (every layer takes the same path) to keep the meta run short.
        all["GLM-4.1V-9B shapes"] = () => Parse(TinyCheckpoint.Glm41V9B(layers: 3));
        all["GLM-4.5V text shapes"] = () => Parse(TinyCheckpoint.MoeConfig(layers: 3, hidden: 4096, heads: 96, headDim: 128, kvHeads: 8,
            experts: 128, topK: 8, sharedExperts: 1, moeIntermediate: 1408, mropeSection: [8, 12, 12]));
        return all;
    }

    static Glm4vConfig Parse(JsonObject config) => Glm4vConfig.Parse(config.ToJsonString());

    /// <summary>A one-row prompt with one 4×4-patch image between text, its pixels on the host (as the processor gives them).</summary>
    public static ModelInputs ImagePrompt(Glm4vConfig c)
    {
        var grid = new GridThw(1, 4, 4);
        var ids = new List<int> { 5, 17, c.ImageStartTokenId };
        ids.AddRange(Enumerable.Repeat(c.ImageTokenId, grid.TokenCount(c.Vision.SpatialMergeSize)));
        ids.AddRange([c.ImageEndTokenId, 7, 11, 13]);
        return ModelInputs.FromTokens([ids], c.PadTokenId ?? 0, zeros([grid.PatchCount, c.Vision.PatchRowSize]), [grid]);
    }

    internal static ResolvedSampling Greedy(Glm4vConfig c, int newTokens) =>
        new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = newTokens }.Resolve(new GenerationConfig(), c);

    /// <summary>Layers whose MLP is a mixture of experts (each reads its expert counts once per forward).</summary>
    public static int MoeLayers(Glm4vConfig c) =>
        c.Decoder == DecoderKind.Dense ? 0 : c.Text.NumHiddenLayers - c.Text.Moe!.FirstKDenseReplace;

    /// <summary>Fails naming the first tensor that is not on <paramref name="device"/>.</summary>
    public static void AllOn(Device device, IEnumerable<Tensor> tensors, string what)
    {
        int i = 0;
        foreach (var t in tensors)
        {
            Assert.True(t.device.IsSame(device), $"{what}: tensor #{i} [{string.Join(", ", t.shape)}] is on {t.device}, not {device}.");
            i++;
        }
        Assert.True(i > 0, $"{what}: no tensors.");
    }
}
