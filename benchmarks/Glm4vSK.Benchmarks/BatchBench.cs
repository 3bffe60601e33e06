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
            "that one also holds the prefills of the streams that joined with it (2048 prompt tokens per step: all of them here), shown in its own column.");
        md.AppendLine();
        md.AppendLine(await JoinStall(dir));
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

    const int JoinTokens = 1024, ChunkTokens = 256;

    /// <summary>
    /// Chunked prefill: while 7 streams decode, a <see cref="JoinTokens"/>-token prompt joins. With the whole prompt
    /// prefilled in one step the running streams stall for all of it; with a budget of <see cref="ChunkTokens"/>
    /// tokens per step they wait for one chunk at a time. Both engines (bf16) run alternately in the same repetitions.
    /// </summary>
    async Task<string> JoinStall(string dir)
    {
        var budgets = new[] { int.MaxValue, ChunkTokens };
        var engines = budgets.Select(b => Glm4vEngine.Load(dir, new EngineOptions
        {
            DType = ScalarType.BFloat16, CpuThreads = settings.Threads, PrefixCacheBytes = 0, ImageCacheBytes = 0,
            MaxBatchSize = Streams, MaxPrefillTokensPerStep = b,
        })).ToArray();
        try
        {
            var stall = budgets.Select(_ => new List<double>()).ToArray();
            var steady = budgets.Select(_ => new List<double>()).ToArray();
            var ttft = budgets.Select(_ => new List<double>()).ToArray();
            var reps = settings.Decode;
            for (int rep = 0; rep < reps.Warmup + reps.Timed; rep++)
                for (int e = 0; e < engines.Length; e++)
                {
                    Log($"join: budget {(budgets[e] == int.MaxValue ? "whole" : budgets[e])}, repetition {rep + 1} of {reps.Warmup + reps.Timed}{(rep < reps.Warmup ? " (warm-up)" : "")}");
                    Harness.Collect();
                    var (gaps, first) = await Join(engines[e], seed: 5000 + rep);
                    if (rep < reps.Warmup) continue;
                    stall[e].Add(gaps.Max());
                    steady[e].Add(Stats.Of(gaps).Median);
                    ttft[e].Add(first);
                }
            var md = new StringBuilder();
            md.AppendLine($"## Chunked prefill: a {JoinTokens}-token prompt joins {Streams - 1} decoding streams (bf16)");
            md.AppendLine();
            md.AppendLine("| prefill per step | running streams' longest gap (ms, median) | their median gap (ms) | joining prompt's first token (ms, median) | runs |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            for (int e = 0; e < engines.Length; e++)
                md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {(budgets[e] == int.MaxValue ? "whole prompt" : $"{budgets[e]} tokens")} | " +
                    $"{Report.Num(Stats.Of(stall[e]).Median * 1e3)} | {Report.Num(Stats.Of(steady[e]).Median * 1e3)} | {Report.Num(Stats.Of(ttft[e]).Median * 1e3)} | {stall[e].Count} |"));
            md.AppendLine();
            md.AppendLine($"{Streams - 1} streams of {settings.DecodePromptLength} random tokens decode {settings.DecodeNewTokens} greedy tokens each; after their " +
                $"8th token a {JoinTokens}-token random prompt joins (16 new tokens). Gaps: between consecutive tokens of the first running stream, " +
                "from the joining prompt's submission to the end of its prefill. Caches off.");
            return md.ToString();
        }
        finally
        {
            foreach (var e in engines) e.Dispose();
        }
    }

    /// <summary>7 streams; after the 8th token of the first, the long prompt joins. Returns the first stream's gaps while the long prompt was prefilled, and the long prompt's time to first token.</summary>
    async Task<(List<double> Gaps, double FirstToken)> Join(Glm4vEngine engine, int seed)
    {
        var options = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = settings.DecodeNewTokens };
        var inputs = Enumerable.Range(0, Streams - 1).Select(i => RandomPrompt(engine, settings.DecodePromptLength, seed + i)).ToList();
        var joining = RandomPrompt(engine, JoinTokens, seed + 100);
        try
        {
            var times = new List<long>();
            long submitted = 0, firstToken = 0;
            Task? late = null;
            Task[] tasks;
            using (engine.Scheduler!.Pause())
                tasks = Enumerable.Range(0, Streams - 1).Select(async i =>
                {
                    await foreach (var _ in engine.GenerateAsync(inputs[i], options).ConfigureAwait(false))
                    {
                        if (i != 0) continue;
                        times.Add(Stopwatch.GetTimestamp());
                        if (times.Count == 8)
                        {
                            submitted = Stopwatch.GetTimestamp();
                            late = Task.Run(async () =>
                            {
                                await foreach (var t in engine.GenerateAsync(joining, options with { MaxNewTokens = 16 }).ConfigureAwait(false))
                                    if (t.Index == 0) firstToken = Stopwatch.GetTimestamp();
                            });
                        }
                    }
                }).ToArray();
            await Task.WhenAll(tasks);
            await late!;
            double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
            var gaps = times.Zip(times.Skip(1), (a, b) => (a, b)).Where(g => g.b > submitted && g.a < firstToken)
                .Select(g => Seconds(g.b - g.a)).ToList();
            return (gaps.Count > 0 ? gaps : [0], Seconds(firstToken - submitted));
        }
        finally
        {
            foreach (var i in inputs) i.Dispose();
            joining.Dispose();
        }
    }

    static ModelInputs RandomPrompt(Glm4vEngine engine, int length, int seed)
    {
        var rng = new Random(seed);
        var ids = Enumerable.Range(0, length).Select(_ => rng.Next(engine.Config.Text.VocabSize - 10)).ToList();
        return ModelInputs.FromTokens([ids], engine.Config.PadTokenId ?? 0);
    }

    /// <summary><paramref name="count"/> streams queued together (they join the same decode step): decode tok/s over all of them and each stream's token gaps.</summary>
    async Task<(double TokensPerSecond, List<double>[] Gaps)> Streams_(Glm4vEngine engine, int count, int seed)
    {
        var options = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = settings.DecodeNewTokens };
        var inputs = Enumerable.Range(0, count).Select(i => RandomPrompt(engine, settings.DecodePromptLength, seed + i)).ToList();
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
