using System.Diagnostics;
using System.Globalization;
using System.Text;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Generation;
using Glm4vSK.LocalEngine.Testing;
using static TorchSharp.torch;

namespace Glm4vSK.Benchmarks;

/// <summary>
/// Issue 13 (d): a random checkpoint with GLM-4.1V-9B's shapes (BF16, streamed to disk), then load time, peak RSS,
/// time to first token of a 322-token prompt with one 448² image, decode s/token, and the decode step against the
/// GEMV floor measured on the same matrices (the bandwidth an eager batch-1 step can approach). Not run in CI.
/// <paramref name="layers"/> below 40 keeps every matrix shape and scales only the depth (for machines without ~24 GB).
/// </summary>
internal sealed class ScaleBench(int layers, int decodeTokens, string? keepDir, TextWriter log)
{
    static readonly GridThw Image = new(1, 32, 32); // 448² → 1024 patches → 256 placeholder tokens
    const int LeadText = 10, QuestionText = 54;     // + begin/end markers: 322 prompt tokens

    public async Task<string> RunAsync()
    {
        string dir = keepDir ?? Path.Combine(Path.GetTempPath(), $"glm4vsk-scale-{Environment.ProcessId}");
        bool reuse = keepDir is not null && File.Exists(Path.Combine(dir, "model.safetensors.index.json"));
        try
        {
            var md = new StringBuilder();
            double writeSeconds = 0;
            if (!reuse)
            {
                Log($"writing a random GLM-4.1V-9B-shaped checkpoint ({layers} layers, BF16) to {dir}");
                var sw = Stopwatch.StartNew();
                ScaleCheckpoint.Write(dir, TinyCheckpoint.Glm41V9B(layers));
                writeSeconds = sw.Elapsed.TotalSeconds;
            }
            long diskBytes = Directory.GetFiles(dir, "*.safetensors").Sum(f => new FileInfo(f).Length);
            Log($"checkpoint: {diskBytes / 1e9:F2} GB on disk{(reuse ? " (reused)" : $", written in {writeSeconds:F0} s")}");
            Harness.Collect();
            long rssBefore = Rss("VmRSS");

            var load = Stopwatch.StartNew();
            using var engine = Glm4vEngine.Load(dir, new EngineOptions { DType = null, PrefixCacheBytes = 0, ImageCacheBytes = 0 });
            double loadSeconds = load.Elapsed.TotalSeconds;
            long rssLoaded = Rss("VmRSS");
            Log($"loaded in {loadSeconds:F1} s; RSS {rssLoaded / 1e9:F2} GB");

            var c = engine.Config;
            var rng = new Random(5);
            var prompt = Enumerable.Range(0, LeadText).Select(_ => rng.Next(c.Text.VocabSize - 10)).ToList();
            prompt.Add(c.ImageStartTokenId);
            prompt.AddRange(Enumerable.Repeat(c.ImageTokenId, Image.TokenCount(c.Vision.SpatialMergeSize)));
            prompt.Add(c.ImageEndTokenId);
            prompt.AddRange(Enumerable.Range(0, QuestionText).Select(_ => rng.Next(c.Text.VocabSize - 10)));
            using var gen = new Generator(5);
            using var pixels = rand([Image.PatchCount, c.Vision.PatchRowSize], generator: gen);
            using var inputs = ModelInputs.FromTokens([prompt], c.PadTokenId ?? 0, pixels.clone(), [Image]);

            Log($"generating: {prompt.Count}-token prompt, then {decodeTokens} decode steps");
            var stamps = new List<double>();
            var t0 = Stopwatch.GetTimestamp();
            await foreach (var _ in engine.GenerateAsync(inputs, new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = 1 + decodeTokens }))
            {
                stamps.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
                Log($"token {stamps.Count} at {stamps[^1]:F1} s");
            }
            double ttft = stamps[0];
            var steps = stamps.Zip(stamps.Skip(1), (a, b) => b - a).ToList();
            var decode = Stats.Of(steps);
            long rssPeak = Rss("VmHWM");

            Log("GEMV floor on the same matrices");
            using var floor = new GemvFloor(dir, ScalarType.BFloat16);
            floor.Pass(); // warm
            var floorTimes = new List<double>();
            for (int i = 0; i < 3; i++)
            {
                var f0 = Stopwatch.GetTimestamp();
                floor.Pass();
                floorTimes.Add(Stopwatch.GetElapsedTime(f0).TotalSeconds);
            }
            var floorStats = Stats.Of(floorTimes);
            double floorGBs = floor.WeightBytes / floorStats.Median / 1e9, stepGBs = floor.WeightBytes / decode.Median / 1e9;

            // The report is written under the invariant culture (EngineBenchmark.Run sets it).
            md.AppendLine("| layers | on disk | write | load | RSS after load | peak RSS | prompt tok | TTFT | decode s/token (median of " + steps.Count + ") | GEMV floor / step | floor bandwidth | decode bandwidth | decode ÷ floor |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            string written = reuse ? "reused" : FormattableString.Invariant($"{writeSeconds:F0} s");
            md.AppendLine($"| {c.Text.NumHiddenLayers} | {diskBytes / 1e9:F1} GB | {written} | {loadSeconds:F1} s | " +
                $"{rssLoaded / 1e9:F1} GB | {rssPeak / 1e9:F1} GB | {prompt.Count} | {ttft:F1} s | {decode.Median:F2} s | {floorStats.Median:F2} s | " +
                $"{floorGBs:F1} GB/s | {stepGBs:F1} GB/s | {Report.Ratio(decode.Median / floorStats.Median)} |");
            md.AppendLine();
            md.AppendLine($"GEMV floor: {floor.Count} matrices, {floor.WeightBytes / 1e9:F2} GB read per step (every decoder projection and lm_head, BF16). " +
                $"RSS before load {rssBefore / 1e9:F2} GB. The decode step reaches {100 * floorStats.Median / decode.Median:F0} % of the floor's bandwidth; " +
                "the rest is the small kernels (norms, rotary, attention over the cache, sampling) and per-op dispatch.");
            return md.ToString();
        }
        finally
        {
            if (keepDir is null)
            {
                try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
                catch (IOException e) { log.WriteLine($"could not delete {dir}: {e.Message}"); }
            }
        }
    }

    /// <summary>A field of /proc/self/status in bytes (VmRSS now, VmHWM the peak so far); 0 off Linux.</summary>
    internal static long Rss(string field)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return 0;
        foreach (string line in File.ReadLines(path))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    void Log(string what) => log.WriteLine($"[{DateTime.Now:HH:mm:ss}] scale: {what}");
}
