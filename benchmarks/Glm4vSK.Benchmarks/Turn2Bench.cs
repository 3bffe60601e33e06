using System.Diagnostics;
using System.Globalization;
using System.Text;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Testing;
using static TorchSharp.torch;

namespace Glm4vSK.Benchmarks;

/// <summary>
/// Turn 2 of a two-turn chat about one 448² image (grid 32×32, 256 placeholder tokens), time to first token with the
/// engine's prefix and image-embedding caches on (the defaults) and off, on the medium random model. Each repetition
/// uses a fresh picture and fresh text, runs turn 1 to completion (untimed), then times turn 2 through the public
/// streaming API (queue, prefill, first token); the two engines alternate, so every (on, off) pair saw the same load.
/// Turn 2's ids are turn 1's prompt + its answer + a new user turn, as a chat template re-renders them when the answer
/// tokenizes back to the same ids.
/// </summary>
internal sealed class Turn2Bench(BenchSettings settings, TextWriter log)
{
    const int LeadText = 4, QuestionText = 64, AnswerTokens = 32, FollowUpText = 24;
    static readonly GridThw Grid = new(1, 32, 32);

    public Task<string> RunAsync() => BenchModels.WithMediumCheckpointAsync("turn2", log, async dir =>
    {
        var md = new StringBuilder();
        md.AppendLine("## Turn 2 of a chat about one 448² image: time to first token, caches on vs off");
        md.AppendLine();
        md.AppendLine("| dtype | turn-2 prompt tok | reused tok | TTFT cache off (ms) | TTFT cache on (ms) | on ÷ off (median of pairs) | best on ÷ best off | turn-1 TTFT off / on (ms) | pairs |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            md.AppendLine(await Measure(dir, dtype));
        md.AppendLine();
        md.AppendLine($"Turn 1: {LeadText} text tokens, the image ({Grid.TokenCount()} placeholders between begin/end markers), {QuestionText} text tokens; " +
            $"{AnswerTokens} greedy answer tokens. Turn 2: turn 1's prompt + answer + {FollowUpText} text tokens. Cache on = `EngineOptions` defaults " +
            "(prefix cache 1 GiB, 16-token blocks; image cache 256 MiB); off = both budgets 0. Random ids below vocab − 10; random fp32 pixels.");
        return md.ToString();
    });

    async Task<string> Measure(string dir, ScalarType dtype)
    {
        string name = dtype == ScalarType.BFloat16 ? "bf16" : "fp32";
        using var off = Glm4vEngine.Load(dir, new EngineOptions { DType = dtype, CpuThreads = settings.Threads, PrefixCacheBytes = 0, ImageCacheBytes = 0 });
        using var on = Glm4vEngine.Load(dir, new EngineOptions { DType = dtype, CpuThreads = settings.Threads });
        var reps = settings.Heavy;
        var offTimes = new List<double>();
        var onTimes = new List<double>();
        var turn1 = new List<(double Off, double On)>();
        int promptTokens = 0, reused = 0;
        for (int rep = 0; rep < reps.Warmup + reps.Timed; rep++)
        {
            Log($"{name}: repetition {rep + 1} of {reps.Warmup + reps.Timed}{(rep < reps.Warmup ? " (warm-up)" : "")}");
            var first = rep % 2 == 0 ? off : on; // alternate which engine goes first
            var pair = new Dictionary<Glm4vEngine, (double Turn1, double Turn2, int Prompt, int Reused)>();
            foreach (var engine in first == off ? new[] { off, on } : [on, off])
            {
                Harness.Collect();
                pair[engine] = await TwoTurns(engine, seed: 1000 + rep);
            }
            if (rep < reps.Warmup) continue;
            offTimes.Add(pair[off].Turn2);
            onTimes.Add(pair[on].Turn2);
            turn1.Add((pair[off].Turn1, pair[on].Turn1));
            promptTokens = pair[on].Prompt;
            reused = pair[on].Reused;
            if (pair[off].Reused != 0) throw new InvalidOperationException("the engine without caches reported reused tokens");
        }
        var offStats = Stats.Of(offTimes);
        var onStats = Stats.Of(onTimes);
        var ratio = Stats.Of(onTimes.Zip(offTimes, (a, b) => a / b));
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv, $"| {name} | {promptTokens} | {reused} | {Report.Num(offStats.Median * 1e3)} | {Report.Num(onStats.Median * 1e3)} | " +
            $"{Report.Ratio(ratio.Median)} | {Report.Ratio(onStats.Min / offStats.Min)} | {Report.Num(Stats.Of(turn1.Select(t => t.Off)).Median * 1e3)} / " +
            $"{Report.Num(Stats.Of(turn1.Select(t => t.On)).Median * 1e3)} | {onTimes.Count} |");
    }

    /// <summary>Turn 1 to completion, then turn 2 up to its first token: (turn-1 TTFT, turn-2 TTFT, turn-2 prompt tokens, reused tokens).</summary>
    static async Task<(double Turn1, double Turn2, int Prompt, int Reused)> TwoTurns(Glm4vEngine engine, int seed)
    {
        var c = engine.Config;
        var rng = new Random(seed);
        int Text() => rng.Next(c.Text.VocabSize - 10);
        var prompt = Enumerable.Range(0, LeadText).Select(_ => Text()).ToList();
        prompt.Add(c.ImageStartTokenId);
        prompt.AddRange(Enumerable.Repeat(c.ImageTokenId, Grid.TokenCount(c.Vision.SpatialMergeSize)));
        prompt.Add(c.ImageEndTokenId);
        prompt.AddRange(Enumerable.Range(0, QuestionText).Select(_ => Text()));
        using var gen = new Generator((ulong)seed);
        using var pixels = rand([Grid.PatchCount, c.Vision.PatchRowSize], generator: gen);

        var answer = new List<int>();
        double turn1;
        using (var inputs = ModelInputs.FromTokens([prompt], c.PadTokenId ?? 0, pixels.clone(), [Grid]))
        {
            var options = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = AnswerTokens };
            long t0 = Stopwatch.GetTimestamp();
            turn1 = 0;
            await foreach (var t in engine.GenerateAsync(inputs, options))
            {
                if (answer.Count == 0) turn1 = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                answer.Add(t.TokenId);
            }
        }
        var next = prompt.Concat(answer).Concat(Enumerable.Range(0, FollowUpText).Select(_ => Text())).ToList();
        using (var inputs = ModelInputs.FromTokens([next], c.PadTokenId ?? 0, pixels.clone(), [Grid]))
        {
            var options = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = 1 };
            long t0 = Stopwatch.GetTimestamp();
            await foreach (var t in engine.GenerateAsync(inputs, options))
                return (turn1, Stopwatch.GetElapsedTime(t0).TotalSeconds, next.Count, t.CachedPromptTokens);
        }
        throw new InvalidOperationException("turn 2 produced no token");
    }

    void Log(string what) => log.WriteLine($"[{DateTime.Now:HH:mm:ss}] turn-2 TTFT: {what}");
}
