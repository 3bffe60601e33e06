using System.Diagnostics;
using System.Globalization;
using System.Text;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Model;
using Glm4vSK.LocalEngine.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.Benchmarks;

/// <summary>What <c>glm4v bench</c> runs; every part on by default.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>Few repetitions, shorter workloads (a smoke run, under a minute).</summary>
    public bool Quick { get; init; }
    /// <summary>libtorch intra-op threads; null leaves libtorch's choice.</summary>
    public int? Threads { get; init; }
    /// <summary>First wait up to this long for other processes to use under 15 % of a core.</summary>
    public TimeSpan WaitQuiet { get; init; }
    public bool SkipTiny { get; init; }
    public bool SkipMedium { get; init; }
    public bool SkipMoe { get; init; }
    /// <summary>Only the turn-2 time to first token of a two-turn chat about one 448² image, caches on vs off.</summary>
    public bool Turn2 { get; init; }
    /// <summary>Only the 9B-scale run: a random GLM-4.1V-9B-shaped BF16 checkpoint (20 GB at 40 layers), load, RSS, TTFT, decode vs the GEMV floor.</summary>
    public bool Scale { get; init; }
    /// <summary>Decoder layers of the scale run (40 = the real model; fewer keep every matrix shape on a smaller machine).</summary>
    public int ScaleLayers { get; init; } = 40;
    /// <summary>Decode steps timed in the scale run.</summary>
    public int ScaleDecodeTokens { get; init; } = 8;
    /// <summary>Where the scale checkpoint is written and kept (reused when present); null: a temp folder, deleted after.</summary>
    public string? ScaleDir { get; init; }
    /// <summary>Only continuous batching: aggregate decode tok/s of 8 concurrent streams against one alone, and one stream's per-token latency among 7 others.</summary>
    public bool Batch { get; init; }
    /// <summary>Only the HTTP server against the in-process client: time to first token, decode tok/s, and 8 concurrent HTTP streams against one.</summary>
    public bool Server { get; init; }
    /// <summary>The small real checkpoint of the <c>tiny</c> rows; null: the fixture set's <c>models/glm4v-tiny</c> when there is one.</summary>
    public string? TinyModel { get; init; }
}

/// <summary>
/// CPU benchmarks of the local engine: prefill, decode, vision tower, and the decode step against its GEMV floor.
/// Progress goes to <c>log</c>; the Markdown report to <c>report</c>. The entry point is <c>glm4v bench</c> (src/Cli).
/// </summary>
public static class EngineBenchmark
{
    public static void Run(BenchmarkOptions options, TextWriter report, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The report's figures are invariant whatever the machine's culture.
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try { RunInvariant(options, report, log, cancellationToken); }
        finally { CultureInfo.CurrentCulture = culture; }
    }

    static void RunInvariant(BenchmarkOptions options, TextWriter report, TextWriter log, CancellationToken ct)
    {
        bool quick = options.Quick, skipTiny = options.SkipTiny, skipMedium = options.SkipMedium, skipMoe = options.SkipMoe;
        int? threads = options.Threads;
        double waitQuiet = options.WaitQuiet.TotalSeconds;
        if (waitQuiet > 0) Machine.WaitQuiet(waitQuiet, log);
        var settings = BenchSettings.For(quick, threads);
        var wall = Stopwatch.StartNew();
        var cpuStart = Machine.SampleCpu();
        string loadStart = Machine.LoadAverage();
        if (threads is int t) torch.set_num_threads(t);

        // The single modes: one table under a common header (machine, load during the run, wall time).
        void Single(string title, bool showMode, Func<Task<string>> run)
        {
            string table = run().GetAwaiter().GetResult();
            report.Write($"# Glm4vSK {title} (CPU)\n\n- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{(showMode ? $"; mode: {(quick ? "--quick" : "full")}" : "")}\n" +
                $"- machine: {Machine.CpuModel()}, {Environment.ProcessorCount} logical CPUs, {Machine.MemoryGiB()} GiB RAM; {RuntimeInformationText()}\n" +
                $"- torch: {torch.get_num_threads()} intra-op threads; load average at start {loadStart}, at end {Machine.LoadAverage()}; " +
                $"{Machine.OtherLoad(cpuStart, Machine.SampleCpu(), wall.Elapsed.TotalSeconds)}\n\n{table}\nTotal wall time: {wall.Elapsed.TotalSeconds:F0} s.\n");
        }

        if (options.Scale)
        {
            Single("at GLM-4.1V-9B scale", false, () => new ScaleBench(options.ScaleLayers, options.ScaleDecodeTokens, options.ScaleDir, log).RunAsync());
            return;
        }
        if (options.Turn2)
        {
            Single("prefix and image caches", true, () => new Turn2Bench(settings, log).RunAsync());
            return;
        }
        if (options.Server)
        {
            Single("server overhead", true, () => new ServerBench(settings, log).RunAsync());
            return;
        }
        if (options.Batch)
        {
            Single("continuous batching", true, () => new BatchBench(settings, log).RunAsync());
            return;
        }

        var rows = new List<Row>();
        var overheads = new List<OverheadRow>();
        var models = new List<string>();

        void RunBoth(string label, string dir)
        {
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            {
                var (r, o) = new ModelBench(label, dir, dtype, settings, log).Run();
                rows.AddRange(r);
                overheads.Add(o);
                Harness.Collect();
            }
        }

        ct.ThrowIfCancellationRequested();
        // 1. The tiny fixture model (2 layers, hidden 128): everything is dispatch overhead.
        if (!skipTiny)
        {
            string? tinyDir = options.TinyModel ?? Paths.FixtureModel("glm4v-tiny");
            if (tinyDir is not null && Directory.Exists(tinyDir))
            {
                models.Add(Describe("tiny", tinyDir, $"fixture `{Paths.Relative(tinyDir)}`"));
                RunBoth("tiny", tinyDir);
            }
            else log.WriteLine($"tiny model not found at {tinyDir ?? "(no fixture set: not run from the repository)"} (pass --tiny-model DIR or set GLM4V_FIXTURES); skipped");
        }

        ct.ThrowIfCancellationRequested();
        // 2. A medium random dense model (≈ 0.17 B parameters) written to a temp dir: big enough that decode reads ~0.5 GB of
        //    fp32 weights per token, so the GEMVs, not the dispatch, should dominate.
        if (!skipMedium)
        {
            string mediumDir = Path.Combine(Path.GetTempPath(), $"glm4vsk-bench-{Environment.ProcessId}");
            try
            {
                log.WriteLine($"[{DateTime.Now:HH:mm:ss}] writing the medium random checkpoint to {mediumDir}");
                var sw = Stopwatch.StartNew();
                TinyCheckpoint.Write(mediumDir, BenchModels.Medium(), ScalarType.Float32);
                log.WriteLine($"[{DateTime.Now:HH:mm:ss}] written in {sw.Elapsed.TotalSeconds:F1} s");
                Harness.Collect();
                models.Add(Describe("medium", mediumDir, "random, TinyCheckpoint, stored fp32 (bf16 converted at load)"));
                RunBoth("medium", mediumDir);
            }
            finally
            {
                try { if (Directory.Exists(mediumDir)) Directory.Delete(mediumDir, recursive: true); }
                catch (IOException e) { log.WriteLine($"could not delete {mediumDir}: {e.Message}"); }
            }
        }

        ct.ThrowIfCancellationRequested();
        // 3. Mixture of experts against a dense model of the same active size: 8 layers, hidden 1024; the dense MLP is 2816
        //    wide, the MoE layers have 16 experts of width 704 with top-4 routing (4 × 704 = 2816 active), no shared expert.
        var moeRows = new List<Row>();
        if (!skipMoe)
        {
            string root = Path.Combine(Path.GetTempPath(), $"glm4vsk-bench-moe-{Environment.ProcessId}");
            try
            {
                string denseDir = Path.Combine(root, "dense"), moeDir = Path.Combine(root, "moe");
                log.WriteLine($"[{DateTime.Now:HH:mm:ss}] writing the dense and MoE random checkpoints to {root}");
                TinyCheckpoint.Write(denseDir, TinyCheckpoint.Config(layers: 8, hidden: 1024, heads: 16, kvHeads: 2, vocab: 32000,
                    mropeSection: [4, 6, 6], intermediate: 2816, visionDepth: 1, visionHidden: 64, visionHeads: 2, imageSize: 56), ScalarType.Float32);
                var moe = TinyCheckpoint.MoeConfig(layers: 8, hidden: 1024, heads: 16, headDim: 64, kvHeads: 2, experts: 16, topK: 4,
                    sharedExperts: 0, moeIntermediate: 704, mropeSection: [4, 6, 6]);
                moe["text_config"]!["vocab_size"] = 32000;
                moe["text_config"]!["intermediate_size"] = 2816;
                foreach (var key in new[] { "image_start_token_id", "image_end_token_id", "video_start_token_id", "video_end_token_id", "image_token_id", "video_token_id", "pad_token_id" })
                    moe[key] = 32000 - 10 + Array.IndexOf(new[] { "image_start_token_id", "image_end_token_id", "video_start_token_id", "video_end_token_id", "image_token_id", "video_token_id", "pad_token_id" }, key);
                moe["eos_token_id"] = new System.Text.Json.Nodes.JsonArray(31996, 31997);
                TinyCheckpoint.Write(moeDir, moe, ScalarType.Float32);
                Harness.Collect();
                foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
                {
                    moeRows.Add(new ModelBench("dense-8L-2816", denseDir, dtype, settings, log).DecodeOnly());
                    moeRows.Add(new ModelBench("moe-8L-16e-top4", moeDir, dtype, settings, log).DecodeOnly());
                    Harness.Collect();
                }
            }
            finally
            {
                try { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
                catch (IOException e) { log.WriteLine($"could not delete {root}: {e.Message}"); }
            }
        }

        ct.ThrowIfCancellationRequested();
        // 4. Per-call overhead of a trivial op, and the cost of a fresh large result (allocation + first-touch page faults).
        log.WriteLine($"[{DateTime.Now:HH:mm:ss}] trivial op, allocation");
        Stats trivial, trivialScoped, freshBig, inPlaceBig;
        using (var x = rand(1, 64))
        using (var y = rand(1, 64))
        {
            int calls = settings.TrivialOpCalls;
            trivial = Harness.Time(settings.Light, () =>
            {
                for (int i = 0; i < calls; i++)
                {
                    using var z = x + y;
                }
            }).Scale(1.0 / calls);
            // The engine's pattern: inference mode, results collected by a dispose scope (here one scope per 10 ops).
            trivialScoped = Harness.Time(settings.Light, () =>
            {
                using var mode = inference_mode();
                for (int i = 0; i < calls / 10; i++)
                {
                    using var scope = NewDisposeScope();
                    for (int k = 0; k < 10; k++) _ = x + y;
                }
            }).Scale(1.0 / (calls / 10 * 10));
        }
        using (var big = rand(16L << 20))
        {
            freshBig = Harness.Time(settings.Light, () =>
            {
                using var z = big * 0.5;
            });
            inPlaceBig = Harness.Time(settings.Light, () => big.mul_(1.0));
        }
        rows.Add(new Row("—", "fp32", "trivial op [1,64] x + y, `using var` each", trivial, 0, "µs/call"));
        rows.Add(new Row("—", "fp32", "trivial op [1,64] x + y, inference mode, 1 scope / 10 ops", trivialScoped, 0, "µs/call"));
        rows.Add(new Row("—", "fp32", "[16M] x * 0.5 into a fresh 64 MiB tensor", freshBig, 0, "ms"));
        rows.Add(new Row("—", "fp32", "[16M] x.mul_(1) in place", inPlaceBig, 0, "ms"));
        double wallSeconds = wall.Elapsed.TotalSeconds;
        string otherLoad = Machine.OtherLoad(cpuStart, Machine.SampleCpu(), wallSeconds);

        // Report.
        var md = new StringBuilder();
        md.AppendLine("# Glm4vSK engine benchmarks (CPU)");
        md.AppendLine();
        md.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; mode: {(quick ? "--quick (smoke: few repetitions, figures are indicative only)" : "full")}");
        md.AppendLine($"- machine: {Machine.CpuModel()}, {Environment.ProcessorCount} logical CPUs, {Machine.MemoryGiB()} GiB RAM; {RuntimeInformationText()}");
        md.AppendLine($"- torch: device cpu, {torch.get_num_threads()} intra-op threads; TorchSharp {typeof(torch).Assembly.GetName().Version}; GLIBC_TUNABLES={Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "(unset)"}, THP_MEM_ALLOC_ENABLE={Environment.GetEnvironmentVariable("THP_MEM_ALLOC_ENABLE") ?? "(unset)"}");
        md.AppendLine($"- load average at start {loadStart}, at end {Machine.LoadAverage()}; {otherLoad}");
        md.AppendLine($"- repetitions (warm-up + at least timed): prefill {settings.Heavy.Warmup} + {settings.Heavy.Timed}, decode {settings.Decode.Warmup} + {settings.Decode.Timed}, vision/GEMV/trivial op {settings.Light.Warmup} + {settings.Light.Timed}; cheap benchmarks repeat until a time budget is spent (column n)");
        foreach (var m in models) md.AppendLine($"- {m}");
        md.AppendLine();
        md.AppendLine("## Results");
        md.AppendLine();
        md.Append(Report.Results(rows));
        md.AppendLine();
        md.AppendLine("## Decode step against its GEMV floor (TorchSharp per-op overhead)");
        md.AppendLine();
        md.Append(Report.Overhead(overheads, trivial));
        md.AppendLine();
        if (moeRows.Count > 0)
        {
            md.AppendLine("## Mixture of experts against a dense model of the same active size");
            md.AppendLine();
            md.AppendLine("8 layers, hidden 1024, 16 heads (head dim 64), 2 KV heads, vocab 32000. Dense: SwiGLU 2816 wide. MoE: layer 0 dense (2816), layers 1–7 with 16 experts of 704, top-4 (4 × 704 = 2816 active per token), no shared expert; fp32 router. Same prompt, greedy.");
            md.AppendLine();
            md.AppendLine("| dtype | dense decode tok/s | MoE decode tok/s | MoE ÷ dense speed |");
            md.AppendLine("|---|---:|---:|---:|");
            foreach (var pair in moeRows.Chunk(2))
            {
                double dense = 1 / pair[0].Time.Median, moeSpeed = 1 / pair[1].Time.Median;
                md.AppendLine($"| {pair[0].DType} | {Report.Num(dense)} | {Report.Num(moeSpeed)} | {Report.Ratio(moeSpeed / dense)} |");
            }
            md.AppendLine();
        }
        md.AppendLine("Definitions:");
        md.AppendLine($"- prefill (TTFT): creating the generator (KV cache, M-RoPE index) + the first `Step()` (decoder over the prompt, lm_head on the last position, argmax); tok/s = prompt tokens ÷ that time. Random text ids below vocab − 10.");
        md.AppendLine($"- decode: greedy, `IgnoreEos`, {settings.DecodeNewTokens} new tokens after a {settings.DecodePromptLength}-token prompt; the first token comes from the prefill, so decode tok/s = {settings.DecodeNewTokens - 1} ÷ (total − prefill), i.e. 1 ÷ the mean step.");
        md.AppendLine($"- vision tower: `Model.EncodeImages` on one grid {settings.ImageGrid} ({settings.ImageGrid.PatchCount} random fp32 patch rows of 1176), inference mode, in a dispose scope.");
        md.AppendLine("- GEMV floor: `F.linear` of one token against every 2-D decoder weight (q, k, v, o, gate_up, down per layer; input [1, 1, in] as in the engine) and lm_head (input [1, in], as the engine calls it), back to back: the bytes a batch-1 step must read, with no other work.");
        md.AppendLine($"- second table: {settings.PairedRuns} extra decode run(s) per model in which every step is followed by one GEMV-floor pass; all figures are medians over those (step, floor) pairs, so both sides saw the same machine load. step ÷ floor is the median of the per-pair ratios; non-GEMV share = 1 − 1 ÷ that ratio: per-op dispatch plus the small kernels (norms, rotary, KV-cache copy, attention, argmax). The trivial-op column divides the median per-pair excess by the cost of one trivial op (`using var` each).");
        md.AppendLine("- median: of the timed repetitions; best: from the fastest; spread: slowest ÷ fastest repetition (noise indicator); n: timed repetitions (more for cheap benchmarks, up to a time budget).");
        md.AppendLine("- speed vs fp32: bf16 figure ÷ fp32 figure of the same model and benchmark (> 1 = bf16 faster).");
        md.AppendLine();
        md.AppendLine($"Total wall time: {wallSeconds:F0} s.");
        report.Write(md.ToString());
    }

    static string Describe(string label, string dir, string origin)
    {
        var c = Glm4vConfig.Load(dir);
        var tensors = Glm4vModel.ExpectedTensors(c);
        double text = tensors.Where(e => !e.Name.StartsWith("model.visual.", StringComparison.Ordinal)).Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b)) / 1e6;
        double vision = tensors.Where(e => e.Name.StartsWith("model.visual.", StringComparison.Ordinal)).Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b)) / 1e6;
        var tc = c.Text;
        var vc = c.Vision;
        return $"model `{label}` ({origin}): text {tc.NumHiddenLayers} layers, hidden {tc.HiddenSize}, {tc.NumAttentionHeads} heads / {tc.NumKeyValueHeads} kv, " +
            $"intermediate {tc.IntermediateSize}, vocab {tc.VocabSize} ({text:F1} M params); vision depth {vc.Depth}, hidden {vc.HiddenSize}, " +
            $"{vc.NumHeads} heads ({vision:F1} M params)";
    }

    static string RuntimeInformationText() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}";
}
