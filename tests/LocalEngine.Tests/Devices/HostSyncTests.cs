using Glm4vSK.LocalEngine.Devices;
using Glm4vSK.LocalEngine.Generation;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Devices;

/// <summary>
/// Pins the device→host reads of each step (real weights on CPU; every read goes through <see cref="HostSync"/>, which
/// the meta tests enforce): a decode step of the dense model reads only its sampled ids, once, whatever the batch;
/// the mixture of experts adds its expert counts once per MoE layer. A new sync in the hot loop changes these counts.
/// </summary>
public class HostSyncTests
{
    public static TheoryData<string, bool> Models => new()
    {
        { "l3-h96-gqa3-theta5e5", false },
        { "moe-e16-top4-groups4-scaled", false },
        { "l3-h96-gqa3-theta5e5", true },
        { "moe-e16-top4-groups4-scaled", true },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void EachStepReadsTheSampledIdsOnceAndTheExpertCountsOncePerMoeLayer(string config, bool sample)
    {
        string dir = RandomModels.Dir(config, RandomModels.Configs[config]);
        using var engine = Glm4vEngine.Load(dir, new EngineOptions { PrefixCacheBytes = 0, ImageCacheBytes = 0 });
        int moeLayers = MetaModels.MoeLayers(engine.Config);
        using var inputs = TwoRows(engine.Config);
        var options = new SamplingOptions { DoSample = sample, Seed = 3, IgnoreEos = true, MaxNewTokens = 4 };
        using var generator = engine.CreateGenerator(inputs, options);
        while (!generator.Done)
        {
            using var sync = HostSync.Observe();
            Assert.Equal(2, generator.Step().Count);
            Assert.Equal(1, sync.Count(SyncPoint.SampledIds));   // both rows' ids in one read
            Assert.Equal(moeLayers, sync.Count(SyncPoint.ExpertCounts));
            Assert.Equal(1 + moeLayers, sync.Total);
        }
    }

    [Fact]
    public async Task BatchedDecodeStepReadsOncePerSequence()
    {
        const string config = "l3-h96-gqa3-theta5e5";
        string dir = RandomModels.Dir(config, RandomModels.Configs[config]);
        using var engine = Glm4vEngine.Load(dir, new EngineOptions { PrefixCacheBytes = 0, ImageCacheBytes = 0, MaxBatchSize = 4 });
        var prompts = Enumerable.Range(0, 3).Select(i => ModelInputs.FromTokens([[3 + i, 9, 4, 1]], 0)).ToList();
        const int newTokens = 5;
        using var sync = HostSync.Observe(); // flows into the scheduler's thread
        Task<IReadOnlyList<int>[]>[] runs;
        using (engine.Scheduler!.Pause()) // all three are prefilled in one iteration and decoded together
            runs = prompts.Select(p => engine.GenerateAllAsync(p, new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = newTokens })).ToArray();
        foreach (var rows in await Task.WhenAll(runs)) Assert.Equal(newTokens, rows[0].Count);
        Assert.Equal(3, engine.Scheduler.PeakBatchSize);
        foreach (var p in prompts) p.Dispose();
        // Each sequence's sampler reads its own id once per token: 3 sequences × 5 tokens.
        Assert.Equal(3 * newTokens, sync.Count(SyncPoint.SampledIds));
    }

    static ModelInputs TwoRows(Glm4vConfig c) => ModelInputs.FromTokens([[5, 17, 9, 4, 2, 8], [7, 3, 1]], c.PadTokenId ?? 0);
}
