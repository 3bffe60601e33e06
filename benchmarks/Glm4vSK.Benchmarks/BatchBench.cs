using System.Diagnostics;
using System.Globalization;
using System.Text;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Testing;
using static TorchSharp.torch;

namespace Glm4vSK.Benchmarks;

/// <summary>
/// Continuous batching on the medium random model: (b) aggregate decode tokens/s of 8 concurrent greedy streams
/// against one stream alone, and (c) one stream's per-token latency while 7 others run. One engine (batching on, the
/// caches off so that no stream reuses another's prefill); each repetition runs one stream alone, then 8 streams that
/// join the same step (fresh random prompts every time), so every ratio pairs runs made under the same load.
/// Decode throughput counts the tokens after each stream's first one over the time from the last first token to the
/// last token: the prefills are outside it.
/// </summary>
internal sealed class BatchBench(BenchSettings settings, TextWriter log)
{
    const int Streams = 8;

    public Task<string> RunAsync() => BenchModels.WithMediumCheckpointAsync("batch", log, async dir =>
    {
        var md = new StringBuilder();
        md.AppendLine($"## Continuous batching: {Streams} concurrent greedy streams against one alone");
        md.AppendLine();
        md.AppendLine($"| dtype | prompt tok | new tok / stream | alone decode tok/s | {Streams} streams aggregate tok/s | aggregate ÷ alone (median of pairs) | " +
            $"per-token latency alone (ms) | per-token latency with {Streams - 1} others (ms, median / p90) | latency ratio | first gap after joining with 7 (ms) | peak batch | pairs |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            md.AppendLine(await Measure(dir, dtype));
        md.AppendLine();
        md.AppendLine($"Each stream: {settings.DecodePromptLength} random text tokens (ids below vocab − 10), {settings.DecodeNewTokens} greedy tokens " +
            $"(IgnoreEos). Engine: `EngineOptions` defaults (MaxBatchSize 8, MaxPrefillTokensPerStep 2048) with both cache budgets 0. " +
            $"Per-token latency = the median gap between one stream's consecutive tokens as its caller receives them, its first gap left out: " +
            "that one also holds the prefills of the streams that joined with it (prompts are prefilled whole between decode steps), shown in its own column.");
        return md.ToString();
    });

    async Task<string> Measure(string dir, ScalarType dtype)
    {
        string name = dtype == ScalarType.BFloat16 ? "bf16" : "fp32";
        using var engine = Glm4vEngine.Load(dir, new EngineOptions { DType = dtype, CpuThreads = settings.Threads, PrefixCacheBytes = 0, ImageCacheBytes = 0, MaxBatchSize = Streams });
        var reps = settings.Decode;
        var alone = new List<double>();
        var together = new List<double>();
        var aloneGaps = new List<double>();
        var companyGaps = new List<double>();
        var joinGaps = new List<double>();
        for (int rep = 0; rep < reps.Warmup + reps.Timed; rep++)
        {
            Log($"{name}: repetition {rep + 1} of {reps.Warmup + reps.Timed}{(rep < reps.Warmup ? " (warm-up)" : "")}");
            Harness.Collect();
            var one = await Streams_(engine, 1, seed: 1000 * rep);
            Harness.Collect();
            var eight = await Streams_(engine, Streams, seed: 1000 * rep + 1);
            if (rep < reps.Warmup) continue;
            alone.Add(one.TokensPerSecond);
            together.Add(eight.TokensPerSecond);
            // Steady state: the first gap of a stream that joined with 7 others also holds their prefills.
            aloneGaps.AddRange(one.Gaps[0].Skip(1));
            companyGaps.AddRange(eight.Gaps[0].Skip(1));
            joinGaps.Add(eight.Gaps[0][0]);
        }
        var ratio = Stats.Of(together.Zip(alone, (a, b) => a / b));
        double aloneLatency = Stats.Of(aloneGaps).Median, companyLatency = Stats.Of(companyGaps).Median;
        double p90 = companyGaps.Order().ElementAt((int)Math.Min(companyGaps.Count - 1, Math.Ceiling(0.9 * companyGaps.Count) - 1));
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv, $"| {name} | {settings.DecodePromptLength} | {settings.DecodeNewTokens} | {Report.Num(Stats.Of(alone).Median)} | " +
            $"{Report.Num(Stats.Of(together).Median)} | {Report.Ratio(ratio.Median)} | {Report.Num(aloneLatency * 1e3)} | " +
            $"{Report.Num(companyLatency * 1e3)} / {Report.Num(p90 * 1e3)} | {Report.Ratio(companyLatency / aloneLatency)} | {Report.Num(Stats.Of(joinGaps).Median * 1e3)} | {engine.Scheduler!.PeakBatchSize} | {alone.Count} |");
    }

    /// <summary><paramref name="count"/> streams queued together (they join the same decode step): decode tok/s over all of them and each stream's token gaps.</summary>
    async Task<(double TokensPerSecond, List<double>[] Gaps)> Streams_(Glm4vEngine engine, int count, int seed)
    {
        var c = engine.Config;
        var options = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = settings.DecodeNewTokens };
        var inputs = Enumerable.Range(0, count).Select(i =>
        {
            var rng = new Random(seed + i);
            var ids = Enumerable.Range(0, settings.DecodePromptLength).Select(_ => rng.Next(c.Text.VocabSize - 10)).ToList();
            return ModelInputs.FromTokens([ids], c.PadTokenId ?? 0);
        }).ToList();
        try
        {
            var times = Enumerable.Range(0, count).Select(_ => new List<long>()).ToArray();
            Task[] tasks;
            using (engine.Scheduler!.Pause())
                tasks = Enumerable.Range(0, count).Select(async i =>
                {
                    await foreach (var _ in engine.GenerateAsync(inputs[i], options).ConfigureAwait(false))
                        times[i].Add(Stopwatch.GetTimestamp());
                }).ToArray();
            await Task.WhenAll(tasks);
            long start = times.Max(t => t[0]), end = times.Max(t => t[^1]);
            int decoded = times.Sum(t => t.Count - 1);
            var gaps = times.Select(t => t.Zip(t.Skip(1), (a, b) => (b - a) / (double)Stopwatch.Frequency).ToList()).ToArray();
            return (decoded / ((end - start) / (double)Stopwatch.Frequency), gaps);
        }
        finally
        {
            foreach (var i in inputs) i.Dispose();
        }
    }

    void Log(string what) => log.WriteLine($"[{DateTime.Now:HH:mm:ss}] batching: {what}");
}
