using System.Diagnostics;
using Glm4vSK.LocalEngine;
using static TorchSharp.torch;

namespace Glm4vSK.Benchmarks;

/// <summary>What one run measures and how often.</summary>
internal sealed record BenchSettings
{
    public required bool Quick { get; init; }
    /// <summary>Prefill runs (seconds each on the medium model).</summary>
    public required Reps Heavy { get; init; }
    /// <summary>Decode runs (the prefill benchmarks before them already warmed the model up).</summary>
    public required Reps Decode { get; init; }
    /// <summary>Vision tower, GEMV floor, trivial op.</summary>
    public required Reps Light { get; init; }
    public int[] PrefillLengths { get; init; } = [128, 512];
    public int DecodePromptLength { get; init; } = 128;
    public int DecodeNewTokens { get; init; } = 64;
    public GridThw ImageGrid { get; init; } = new(1, 32, 32);
    public required int TrivialOpCalls { get; init; }
    /// <summary>Decode runs in which each step is followed by one GEMV-floor pass (paired comparison).</summary>
    public required int PairedRuns { get; init; }
    public int? Threads { get; init; }

    public static BenchSettings For(bool quick, int? threads) => quick
        ? new BenchSettings
        {
            Quick = true, Heavy = new Reps(1, 1, MinSeconds: 0.5, MaxTimed: 5), Decode = new Reps(0, 1, MinSeconds: 0.5, MaxTimed: 5), Light = new Reps(1, 3, MinSeconds: 0.3, MaxTimed: 30),
            PrefillLengths = [128], DecodeNewTokens = 16, TrivialOpCalls = 20_000, PairedRuns = 1, Threads = threads,
        }
        : new BenchSettings
        {
            Quick = false, Heavy = new Reps(1, 5, MinSeconds: 2, MaxTimed: 30), Decode = new Reps(1, 5, MinSeconds: 2, MaxTimed: 30), Light = new Reps(2, 10, MinSeconds: 1.5, MaxTimed: 300),
            TrivialOpCalls = 100_000, PairedRuns = 2, Threads = threads,
        };
}

/// <summary>Loads one model in one dtype and runs the engine-level benchmarks on it.</summary>
internal sealed class ModelBench(string label, string modelDir, ScalarType dtype, BenchSettings settings, TextWriter log)
{
    public string DTypeName => dtype == ScalarType.BFloat16 ? "bf16" : dtype == ScalarType.Float16 ? "fp16" : "fp32";

    public (List<Row> Rows, OverheadRow Overhead) Run()
    {
        var rows = new List<Row>();
        Log($"loading {modelDir} as {DTypeName}");
        long t0 = Stopwatch.GetTimestamp();
        using var engine = Glm4vEngine.Load(modelDir, new EngineOptions { DType = dtype, CpuThreads = settings.Threads });
        double load = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        rows.Add(new Row(label, DTypeName, "load (one sample)", Stats.Of([load]), 0, "s"));

        int vocabLimit = engine.Config.Text.VocabSize - 10; // below every special id (image/video/pad/eos are vocab−10 … vocab−3)
        foreach (int len in settings.PrefillLengths)
        {
            Log($"prefill {len} tokens");
            var st = Harness.Measure(settings.Heavy, () => Prefill(engine, len, vocabLimit))[0];
            rows.Add(new Row(label, DTypeName, $"prefill {len} tok (TTFT)", st, len, "tok/s"));
        }

        Log($"decode {settings.DecodeNewTokens} tokens after a {settings.DecodePromptLength}-token prompt");
        var dec = Harness.Measure(settings.Decode, () => Decode(engine, vocabLimit));
        rows.Add(new Row(label, DTypeName, $"decode {settings.DecodeNewTokens} tok after {settings.DecodePromptLength}", dec[1], 1, "tok/s"));

        var g = settings.ImageGrid;
        Log($"vision tower, grid {g} ({g.PatchCount} patches)");
        using (var gen = new Generator(11))
        using (var pixels = rand([g.PatchCount, engine.Config.Vision.PatchRowSize], generator: gen))
        {
            var grids = new[] { g };
            long expectRows = g.TokenCount(engine.Config.Vision.SpatialMergeSize);
            var st = Harness.Time(settings.Light, () =>
            {
                using var s = NewDisposeScope();
                using var mode = inference_mode();
                var features = engine.Model.EncodeImages(pixels, grids);
                if (features.shape[0] != expectRows) throw new InvalidOperationException($"vision gave {features.shape[0]} rows, expected {expectRows}");
            });
            rows.Add(new Row(label, DTypeName, $"vision tower, 1 image {g.H}×{g.W} patches", st, 0, "ms"));
        }

        Log("GEMV floor");
        OverheadRow overhead;
        using (var floor = new GemvFloor(modelDir, dtype))
        {
            var st = Harness.Time(settings.Light, floor.Pass);
            rows.Add(new Row(label, DTypeName, $"GEMV floor of a decode step ({floor.Count} F.linear)", st, 0, "ms"));
            Log($"decode steps paired with GEMV floor passes ({settings.PairedRuns} run(s))");
            var pairs = new List<(double Step, double Floor)>();
            for (int i = 0; i < settings.PairedRuns; i++)
            {
                Harness.Collect();
                pairs.AddRange(PairedDecode(engine, floor, vocabLimit));
            }
            overhead = new OverheadRow(label, DTypeName,
                Stats.Of(pairs.Select(p => p.Step)), Stats.Of(pairs.Select(p => p.Floor)),
                Stats.Of(pairs.Select(p => p.Step / p.Floor)), Stats.Of(pairs.Select(p => p.Step - p.Floor)),
                floor.Count, floor.WeightBytes);
        }
        return (rows, overhead);
    }

    static long[,] RandomPrompt(int len, int vocabLimit, int seed)
    {
        var rng = new Random(seed);
        var ids = new long[1, len];
        for (int j = 0; j < len; j++) ids[0, j] = rng.Next(vocabLimit);
        return ids;
    }

    /// <summary>Seconds from creating the generator to the first token (KV cache allocation, M-RoPE index, decoder over the prompt, lm_head, argmax).</summary>
    static double[] Prefill(Glm4vEngine engine, int len, int vocabLimit)
    {
        using var inputs = new ModelInputs(RandomPrompt(len, vocabLimit, seed: len));
        var options = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = 1 };
        long t0 = Stopwatch.GetTimestamp();
        using var generator = engine.CreateGenerator(inputs, options);
        int produced = generator.Step().Count;
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        if (produced != 1) throw new InvalidOperationException($"prefill produced {produced} tokens");
        return [seconds];
    }

    /// <summary>
    /// [prefill seconds, mean seconds per decode step]; the first token comes from the prefill, the other N − 1 from
    /// decode steps.
    /// </summary>
    /// <summary>Load, then only the decode benchmark (prefill 128 tokens, then decode): the MoE vs dense comparison.</summary>
    public Row DecodeOnly()
    {
        Log($"loading {modelDir} as {DTypeName} (decode only)");
        using var engine = Glm4vEngine.Load(modelDir, new EngineOptions { DType = dtype, CpuThreads = settings.Threads });
        int vocabLimit = engine.Config.Text.VocabSize - 10;
        var dec = Harness.Measure(settings.Decode, () => Decode(engine, vocabLimit));
        return new Row(label, DTypeName, $"decode {settings.DecodeNewTokens} tok after {settings.DecodePromptLength}", dec[1], 1, "tok/s");
    }

    double[] Decode(Glm4vEngine engine, int vocabLimit)
    {
        int n = settings.DecodeNewTokens;
        using var inputs = new ModelInputs(RandomPrompt(settings.DecodePromptLength, vocabLimit, seed: 99));
        var options = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = n };
        long t0 = Stopwatch.GetTimestamp();
        using var generator = engine.CreateGenerator(inputs, options);
        int produced = generator.Step().Count;
        double prefill = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        while (!generator.Done) produced += generator.Step().Count;
        double total = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        if (produced != n) throw new InvalidOperationException($"decode produced {produced} tokens, expected {n}");
        return [prefill, (total - prefill) / (n - 1)];
    }

    /// <summary>
    /// One decode run in which every step is followed by one GEMV-floor pass, so each (step, floor) pair is measured
    /// under the same machine conditions; on a shared machine whose load changes from second to second, the per-pair
    /// ratio is far steadier than a ratio of figures measured a minute apart.
    /// </summary>
    List<(double Step, double Floor)> PairedDecode(Glm4vEngine engine, GemvFloor floor, int vocabLimit)
    {
        int n = settings.DecodeNewTokens;
        using var inputs = new ModelInputs(RandomPrompt(settings.DecodePromptLength, vocabLimit, seed: 99));
        var options = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = n };
        using var generator = engine.CreateGenerator(inputs, options);
        generator.Step(); // prefill
        var pairs = new List<(double, double)>(n);
        while (!generator.Done)
        {
            long s0 = Stopwatch.GetTimestamp();
            generator.Step();
            double step = Stopwatch.GetElapsedTime(s0).TotalSeconds;
            long f0 = Stopwatch.GetTimestamp();
            floor.Pass();
            pairs.Add((step, Stopwatch.GetElapsedTime(f0).TotalSeconds));
        }
        return pairs;
    }

    void Log(string what) => log.WriteLine($"[{DateTime.Now:HH:mm:ss}] {label} {DTypeName}: {what}");
}
