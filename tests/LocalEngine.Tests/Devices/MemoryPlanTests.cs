using Glm4vSK.LocalEngine.Devices;
using Glm4vSK.LocalEngine.Generation;

namespace Glm4vSK.LocalEngine.Tests.Devices;

/// <summary>
/// Memory planning simulated on CPU with <see cref="EngineOptions.DeviceMemoryBytes"/> as the device's memory: the
/// weights are sized from the config, a budget below them fails the load with a typed error naming the fix, and the
/// context window and caches are sized from what the weights leave.
/// </summary>
public class MemoryPlanTests
{
    const string Config = "l3-h96-gqa3-theta5e5";
    static string Dir => RandomModels.Dir(Config, RandomModels.Configs[Config]);
    static readonly EngineOptions NoCaches = new() { PrefixCacheBytes = 0, ImageCacheBytes = 0 };

    static MemoryPlan Roomy()
    {
        using var e = Glm4vEngine.Load(Dir, NoCaches with { DeviceMemoryBytes = 1L << 40 });
        return e.MemoryPlan!;
    }

    [Fact]
    public void WithoutABudgetTheCpuIsNotPlanned()
    {
        using var e = Glm4vEngine.Load(Dir, NoCaches);
        Assert.Null(e.MemoryPlan);
        Assert.Equal(e.Config.Text.MaxPositionEmbeddings, e.ContextTokens);
    }

    [Fact]
    public void WeightBytesAreTheCheckpointsTensors()
    {
        var plan = Roomy();
        using var checkpoint = Checkpoint.Open(Dir); // float32, every tensor used: the plan's size is the file's payload
        Assert.Equal(checkpoint.Files.SelectMany(f => f.Entries).Sum(e => e.End - e.Begin), plan.WeightBytes);
        Assert.Equal("EngineOptions.DeviceMemoryBytes", plan.Source);
        Assert.True(plan.ReserveBytes >= MemoryPlan.FixedReserveBytes);
    }

    [Fact]
    public void WeightsThatDoNotFitFailTheLoadNamingSizesAndFixes()
    {
        var plan = Roomy();
        var error = Assert.Throws<DeviceMemoryException>(() => Glm4vEngine.Load(Dir, NoCaches with { DeviceMemoryBytes = plan.WeightBytes - 1 }));
        Assert.Equal(plan.WeightBytes, error.RequiredBytes);
        Assert.Equal(plan.WeightBytes - 1, error.AvailableBytes);
        Assert.Equal("cpu", error.Device);
        foreach (string part in new[] { DeviceMemory.Format(plan.WeightBytes), "Float32", "EngineOptions.DType", "EngineOptions.Device", "DeviceMemoryBytes" })
            Assert.Contains(part, error.Message);
    }

    [Fact]
    public async Task TheContextWindowIsWhatTheKvMemoryHolds()
    {
        var roomy = Roomy();
        const int tokens = 300;
        long budget = roomy.WeightBytes + roomy.ReserveBytes + tokens * roomy.KvBytesPerToken + roomy.KvBytesPerToken / 2;
        using var e = Glm4vEngine.Load(Dir, NoCaches with { DeviceMemoryBytes = budget });
        Assert.Equal(tokens, e.ContextTokens);
        Assert.Equal(tokens, e.MemoryPlan!.ContextTokens);
        var greedy = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = 4 };
        using (var fits = ModelInputs.FromTokens([[3, 4, 5]], 0))
            Assert.Equal(4, (await e.GenerateAllAsync(fits, greedy))[0].Count);
        using var tooLong = ModelInputs.FromTokens([Enumerable.Repeat(3, tokens).ToList()], 0);
        await Assert.ThrowsAsync<ContextLengthExceededException>(() => e.GenerateAllAsync(tooLong, greedy));

        // An explicit context the memory cannot hold is refused at load, naming the option.
        var error = Assert.Throws<DeviceMemoryException>(() => Glm4vEngine.Load(Dir, NoCaches with { DeviceMemoryBytes = budget, MaxContextTokens = tokens + 1 }));
        Assert.Contains("MaxContextTokens", error.Message);
        Assert.Contains($"{tokens} tokens fit", error.Message);
    }

    [Fact]
    public void CachesAreCappedToAShareOfWhatTheWeightsLeave()
    {
        var roomy = Roomy();
        long budget = roomy.WeightBytes + roomy.ReserveBytes + (64L << 20);
        using var e = Glm4vEngine.Load(Dir, new EngineOptions { DeviceMemoryBytes = budget }); // default caches: 1 GiB and 256 MiB asked
        var plan = e.MemoryPlan!;
        Assert.Equal((64L << 20) / MemoryPlan.PrefixCacheShare, plan.PrefixCacheBytes);
        Assert.Equal((64L << 20) / MemoryPlan.ImageCacheShare, plan.ImageCacheBytes);
        Assert.Equal((64L << 20) - plan.PrefixCacheBytes - plan.ImageCacheBytes, plan.KvCacheBytes);
        Assert.Equal(plan.PrefixCacheBytes, e.Caches!.Prefix!.BudgetBytes);
    }

    [Fact]
    public async Task ConcurrentRequestsJoinTheBatchOnlyWhileTheirKvCachesFitTheBudget()
    {
        var roomy = Roomy();
        const int tokens = 300, prompt = 60, answer = 60; // each request preallocates 120 positions: two fit in 300, not three
        long budget = roomy.WeightBytes + roomy.ReserveBytes + tokens * roomy.KvBytesPerToken + roomy.KvBytesPerToken / 2;
        var greedy = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = answer };
        var inputs = Enumerable.Range(0, 5).Select(i => ModelInputs.FromTokens([Enumerable.Range(0, prompt).Select(j => 3 + (i * 7 + j) % 50).ToList()], 0)).ToList();
        try
        {
            async Task<(IReadOnlyList<int>[] Rows, int Peak)> RunAll(EngineOptions options)
            {
                using var e = Glm4vEngine.Load(Dir, options);
                Task<IReadOnlyList<int>[]>[] tasks;
                using (e.Scheduler!.Pause()) tasks = inputs.Select(x => e.GenerateAllAsync(x, greedy)).ToArray();
                var rows = (await Task.WhenAll(tasks)).Select(r => r[0]).ToArray();
                return (rows, e.Scheduler.PeakBatchSize);
            }
            var planned = await RunAll(NoCaches with { DeviceMemoryBytes = budget });
            var unplanned = await RunAll(NoCaches);
            Assert.Equal(2, planned.Peak);   // the third waited for room in the KV budget
            Assert.Equal(5, unplanned.Peak); // without a plan only MaxBatchSize limits the batch
            for (int i = 0; i < inputs.Count; i++) Assert.Equal(unplanned.Rows[i], planned.Rows[i]);
        }
        finally
        {
            foreach (var x in inputs) x.Dispose();
        }
    }
}
