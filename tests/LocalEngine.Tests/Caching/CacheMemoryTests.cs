using System.Diagnostics;
using Glm4vSK.LocalEngine.Tests.Support;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Caching;

/// <summary>Caches held at their budget over many requests: no tensor and no memory accumulates. Runs alone.</summary>
[Collection(LargeImageCollection.Name)]
public sealed class CacheMemoryTests
{
    const int Block = 4;

    [Fact]
    public void Caches_at_their_budget_keep_tensor_count_and_memory_flat_over_500_requests()
    {
        // TorchSharp counts tensors per thread: a fresh thread sees only this workload (a pool thread may carry
        // dispose scopes and tensors of earlier tests' async continuations).
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { Workload(); }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 16 << 20);
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    static void Workload()
    {
        string name = RandomModels.Configs.Keys.First(k => !k.StartsWith("moe", StringComparison.Ordinal));
        string dir = RandomModels.Dir(name, RandomModels.Configs[name]);
        var config = Glm4vConfig.Load(dir);
        var t = config.Text;
        var grid = new GridThw(1, 4, 4);
        long block = 2L * t.NumHiddenLayers * t.NumKeyValueHeads * Block * t.HeadDim * sizeof(float);
        long picture = (long)grid.TokenCount(config.Vision.SpatialMergeSize) * t.HiddenSize * sizeof(float);
        // Room for about three requests' blocks and three of the five pictures: every few requests evict.
        using var e = Glm4vEngine.Load(dir, new EngineOptions { DType = ScalarType.Float32, PrefixCacheBytes = 16 * block, ImageCacheBytes = 3 * picture, PrefixBlockTokens = Block });
        var caches = e.Caches!;
        var options = new SamplingOptions { MaxNewTokens = 4, DoSample = false, IgnoreEos = true };

        // Request i: one of 3 openings, one of 5 pictures at random, a tail of its own: prefixes and pictures recur, and churn.
        ModelInputs Request(int i)
        {
            var rng = new Random(i % 3);
            int Text() => rng.Next(0, t.VocabSize - 12);
            var ids = Enumerable.Range(0, 6).Select(_ => Text()).ToList();
            ids.Add(config.ImageStartTokenId);
            ids.AddRange(Enumerable.Repeat(config.ImageTokenId, grid.TokenCount(config.Vision.SpatialMergeSize)));
            ids.Add(config.ImageEndTokenId);
            var tail = new Random(i);
            ids.AddRange(Enumerable.Range(0, 3 + i % 4).Select(_ => tail.Next(0, t.VocabSize - 12)));
            using var gen = new Generator((ulong)tail.Next(5));
            return ModelInputs.FromTokens([ids], config.PadTokenId ?? 0, randn([grid.PatchCount, config.Vision.PatchRowSize], generator: gen), [grid]);
        }
        void Generate(int i)
        {
            using var inputs = Request(i);
            using var g = e.CreateGenerator(inputs, options, useCaches: true);
            while (!g.Done) g.Step();
            Assert.InRange(caches.Prefix!.Bytes, 0, caches.Prefix.BudgetBytes);
            Assert.InRange(caches.Images!.Bytes, 0, caches.Images.BudgetBytes);
        }
        long Live() => TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount - caches.Prefix!.Count - caches.Images!.Count;

        for (int i = 0; i < 50; i++) Generate(i);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long live0 = Live(), rss0 = Rss(), hits0 = caches.Prefix!.HitTokens, imageHits0 = caches.Images!.Hits;
        for (int i = 50; i < 550; i++) Generate(i);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long growth = Rss() - rss0;

        Assert.Equal(live0, Live());
        Assert.True(growth < 48L << 20, $"RSS grew by {growth >> 20} MiB over 500 requests.");
        Assert.True(caches.Prefix.HitTokens > hits0 && caches.Images.Hits > imageHits0, "the workload never hit the caches");
        Assert.True(caches.Prefix.Evictions > 0 && caches.Images.Evictions > 0, "the workload never filled the caches");
    }

    static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return Process.GetCurrentProcess().WorkingSet64;
    }
}
