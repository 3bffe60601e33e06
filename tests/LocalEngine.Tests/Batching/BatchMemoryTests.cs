using System.Diagnostics;
using Glm4vSK.LocalEngine.Tests.Support;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Batching;

/// <summary>
/// Many batched requests, some cancelled mid-stream, and (with a small prefill budget) some cancelled while their
/// prompts are prefilled in chunks: nothing stays behind in the scheduler or in memory. Runs alone.
/// </summary>
[Collection(LargeImageCollection.Name)]
public sealed class BatchMemoryTests
{
    [Theory]
    [InlineData(1 << 20)]
    [InlineData(3)]
    public async Task Rss_stays_flat_over_400_batched_requests_with_cancellations(int prefillBudget)
    {
        string name = RandomModels.Configs.Keys.First(k => !k.StartsWith("moe", StringComparison.Ordinal));
        string dir = RandomModels.Dir(name, RandomModels.Configs[name]);
        var config = Glm4vConfig.Load(dir);
        var t = config.Text;
        using var e = Glm4vEngine.Load(dir, new EngineOptions { DType = ScalarType.Float32, MaxBatchSize = 8, PrefixCacheBytes = 1 << 20, ImageCacheBytes = 0, PrefixBlockTokens = 4, MaxPrefillTokensPerStep = prefillBudget });
        var scheduler = e.Scheduler!;
        var early = new List<CancellationTokenSource>();
        int prefillSteps = 0;
        // Chunked: at the wave's second prefill step, cancel every j % 3 == 1 request, prefilling or still waiting.
        scheduler.OnPrefillStep = _ =>
        {
            if (++prefillSteps != 2) return;
            lock (early) foreach (var c in early) c.Cancel();
        };

        // A wave: 10 requests of different lengths at once (2 wait for room); every third is cancelled after 2 tokens.
        async Task Wave(int wave)
        {
            Task[] tasks;
            using var paused = scheduler.Pause(); // all ten are queued before the loop admits any
            prefillSteps = 0;
            lock (early) early.Clear();
            tasks = Enumerable.Range(0, 10).Select(async j =>
            {
                var rng = new Random(wave * 10 + j);
                var ids = Enumerable.Range(0, 5 + j).Select(_ => rng.Next(0, t.VocabSize - 12)).ToList();
                using var inputs = ModelInputs.FromTokens([ids], config.PadTokenId ?? 0);
                using var cts = new CancellationTokenSource();
                if (prefillBudget < 16 && j % 3 == 1) lock (early) early.Add(cts);
                int n = 0;
                try
                {
                    await foreach (var _ in e.GenerateAsync(inputs, new SamplingOptions { MaxNewTokens = 3 + j % 5, DoSample = j % 2 == 0, Seed = j, IgnoreEos = true }, cts.Token))
                        if (++n == 2 && j % 3 == 0) cts.Cancel();
                }
                catch (OperationCanceledException) when (j % 3 == 0 || (prefillBudget < 16 && j % 3 == 1)) { }
                finally
                {
                    lock (early) early.Remove(cts); // disposed next: the hook must not cancel it any more
                }
            }).ToArray();
            paused.Dispose();
            await Task.WhenAll(tasks);
        }

        for (int w = 0; w < 5; w++) await Wave(w);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long rss0 = Rss(), caches0 = LocalEngine.Model.KvCache.Live;
        for (int w = 5; w < 45; w++) await Wave(w);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long growth = Rss() - rss0;

        Assert.Equal(0, scheduler.ActiveCount);
        Assert.Equal(caches0, LocalEngine.Model.KvCache.Live); // every request's KV cache was freed, cancelled or not
        // Whole prefills admit all 8 in one step; chunked ones (3 tokens a step) overlap fewer, but still batch.
        if (prefillBudget >= 16) Assert.Equal(8, scheduler.PeakBatchSize);
        else Assert.InRange(scheduler.PeakBatchSize, 2, 8);
        Assert.True(growth < 48L << 20, $"RSS grew by {growth >> 20} MiB over 400 batched requests.");
    }

    static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return Process.GetCurrentProcess().WorkingSet64;
    }
}
