using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Devices;
using Glm4vSK.LocalEngine.Generation;
using Glm4vSK.LocalEngine.Model;
using Glm4vSK.LocalEngine.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.Benchmarks;

/// <summary>What one <see cref="DeviceBench"/> run measured.</summary>
public sealed record DeviceBenchResult(string Model, string Device, string DType, int Layers, double WeightGB, int PromptTokens,
    double PrefillSeconds, double PrefillTokensPerSecond, int DecodeTokens, double DecodeTokensPerSecond, double PeakMemoryGB, string PeakMemory);

/// <summary>
/// Prefill and decode speed and peak memory of one model shape on one device (CPU or CUDA), with random weights made
/// on the device (no checkpoint written): the medium model, or GLM-4.1V-9B's full widths. Text-only prompt; greedy
/// decode; one warm-up generation first. Peak memory: CUDA, device memory in use (cudaMemGetInfo, so the caching
/// allocator's reservation) above what was in use before; CPU, the process's peak RSS.
/// </summary>
public static class DeviceBench
{
    public static readonly IReadOnlyList<string> Models = ["medium", "glm41v-9b"];

    public static DeviceBenchResult Run(string model, string device, ScalarType dtype, int? layers, int promptTokens, int decodeTokens, TextWriter log)
    {
        var config = Glm4vConfig.Parse((model switch
        {
            "medium" => BenchModels.Medium(),
            "glm41v-9b" => TinyCheckpoint.Glm41V9B(layers ?? 40),
            _ => throw new ArgumentException($"Unknown model '{model}': use {string.Join(" or ", Models)}.", nameof(model)),
        }).ToJsonString());
        if (layers is int n && model == "medium") config = config with { Text = config.Text with { NumHiddenLayers = n } };
        var dev = new Device(device);
        long before = MemoryInUse(dev);
        void Log(string what) => log.WriteLine($"[{DateTime.Now:HH:mm:ss}] {model} on {device}: {what}");

        Log($"making random weights ({config.Text.NumHiddenLayers} layers, {dtype})");
        using var m = Glm4vModel.Synthetic(config, dtype, dev);
        long weightBytes = m.OwnedTensors().Sum(t => t.numel() * t.ElementSize);
        long peak = MemoryInUse(dev);
        Generate(m, config, 16, 2, _ => { });                     // warm-up: kernels, libraries' handles
        var stamps = new List<double>();
        var t0 = Stopwatch.GetTimestamp();
        Generate(m, config, promptTokens, 1 + decodeTokens, _ =>
        {
            stamps.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            peak = Math.Max(peak, MemoryInUse(dev));
        });
        double prefill = stamps[0];
        var steps = stamps.Zip(stamps.Skip(1), (a, b) => b - a).ToList();
        double decode = steps.Count == 0 ? double.NaN : 1 / Stats.Of(steps).Median;
        Log($"prefill {promptTokens} tok in {prefill:F3} s; decode {decode:F2} tok/s");
        bool cuda = dev.type == DeviceType.CUDA;
        double peakGB = (cuda ? peak - before : ScaleBench.Rss("VmHWM")) / 1e9;
        return new DeviceBenchResult(model, device, dtype.ToString(), config.Text.NumHiddenLayers, weightBytes / 1e9, promptTokens,
            prefill, promptTokens / prefill, steps.Count, decode, peakGB, cuda ? "device memory in use (cudaMemGetInfo) above the start" : "peak RSS of the process (VmHWM)");
    }

    /// <summary>One greedy generation of <paramref name="newTokens"/> after a random text prompt; <paramref name="onToken"/> after each step.</summary>
    static void Generate(Glm4vModel model, Glm4vConfig c, int promptTokens, int newTokens, Action<int> onToken)
    {
        var rng = new Random(5);
        int below = new[] { c.Text.VocabSize, c.ImageStartTokenId, c.ImageTokenId, c.VideoStartTokenId, c.VideoEndTokenId }.Where(x => x > 0).Min();
        using var inputs = ModelInputs.FromTokens([Enumerable.Range(0, promptTokens).Select(_ => rng.Next(below)).ToList()], 0);
        var sampling = new SamplingOptions { DoSample = false, IgnoreEos = true, MaxNewTokens = newTokens }.Resolve(new GenerationConfig(), c);
        using var generator = new TokenGenerator(model, inputs, sampling, promptTokens + newTokens);
        for (int i = 0; !generator.Done; i++)
        {
            generator.Step();
            onToken(i);
        }
    }

    static long MemoryInUse(Device device) => DeviceMemory.Info(device) is { } info ? info.Total - info.Free : 0;

    public static string MarkdownHeader =>
        "| model | device | dtype | layers | weights | prompt tok | prefill | prefill tok/s | decode tok/s | peak memory |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|";

    public static string MarkdownRow(DeviceBenchResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.Model} | {r.Device} | {r.DType} | {r.Layers} | {r.WeightGB:F2} GB | {r.PromptTokens} | {r.PrefillSeconds:F3} s | {r.PrefillTokensPerSecond:F1} | {r.DecodeTokensPerSecond:F2} | {r.PeakMemoryGB:F2} GB |");

    public static string Json(DeviceBenchResult r) => JsonSerializer.Serialize(r);
}
