using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Testing;
using Glm4vSK.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SkiaSharp;
using static TorchSharp.torch;

namespace Glm4vSK.Benchmarks;

/// <summary>
/// The HTTP server's overhead (issue 14, item 4) on the medium random model with the small test tokenizer (so every
/// generated token decodes to text and streams as it comes): time to first token and decode tokens/s of one chat
/// request about a 448² PNG through the in-process <see cref="Glm4vChatClient"/> and through <c>glm4v serve</c>'s
/// endpoints (Kestrel on 127.0.0.1, the project's own remote client, SSE), both over the SAME engine and alternating,
/// so every pair saw the same load; then 8 concurrent HTTP streams against one (the serving core's batching).
/// Both sides are timed identically through <see cref="IChatClient.GetStreamingResponseAsync"/>: first token = first
/// update carrying text; decode tok/s = (output tokens − 1) ÷ (end − first token), output tokens from the usage.
/// </summary>
internal sealed class ServerBench(BenchSettings settings, TextWriter log)
{
    const int Streams = 8, PromptWords = 48, ImageSide = 448;

    public async Task<string> RunAsync()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"glm4vsk-bench-server-{Environment.ProcessId}");
        try
        {
            Log($"writing the medium random checkpoint (vocab of the test tokenizer) to {dir}");
            TinyCheckpoint.Write(dir, BenchModels.Medium(vocab: TinyCheckpointVocab), ScalarType.Float32);
            TinyCheckpoint.WritePreprocessorConfig(dir);
            TinyTokenizer.Write(dir, Glm4vConfig.Load(dir));
            // GLM-4.6V-Flash's layout: a dense checkpoint with the GLM-4.5V-style template (detected by its markers), so
            // thinking can be switched off. With GLM-4.1V's template the answer parser holds a random model's text
            // until the end (it never writes the tags that settle reasoning against answer): no token clock.
            File.WriteAllText(Path.Combine(dir, "chat_template.jinja"), "[gMASK]<sop>{# GLM-4.5V family marker: <arg_key> /nothink <tool_response> enable_thinking #}<|assistant|>");
            var md = new StringBuilder();
            md.AppendLine("## Server overhead: `glm4v serve` (HTTP, SSE) against the in-process client, same engine");
            md.AppendLine();
            md.AppendLine("| dtype | prompt tok | new tok | TTFT in-process (ms) | TTFT server (ms) | TTFT server ÷ in-process (median of pairs) | " +
                "decode tok/s in-process | decode tok/s server | tok/s in-process ÷ server (median of pairs) | 1 HTTP stream decode tok/s | 8 HTTP streams aggregate decode tok/s | 8 ÷ 1 | pairs |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
                md.AppendLine(await Measure(dir, dtype));
            md.AppendLine();
            md.AppendLine($"Request: one user message with a random {ImageSide}×{ImageSide} PNG and {PromptWords} random words; greedy " +
                $"(temperature 0), {settings.DecodeNewTokens} new tokens with ignore_eos, thinking off. Engine: `EngineOptions` defaults " +
                "(MaxBatchSize 8) with both cache budgets 0, so no request reuses another's prefill. Server: `AddGlm4vServer` + " +
                "`MapGlm4vOpenAI` on Kestrel (127.0.0.1, port 0) over the same `Glm4vChatClient`; client: `Glm4vChatClient.ForEndpoint` " +
                "(image sent as a data URL, `stream_options.include_usage`). Ratios > 1 mean the server is slower. The 8 HTTP streams " +
                "are sent at once; their aggregate decode tok/s counts the tokens after each stream's first from the last first token to the " +
                "last token (the prefills are outside it), as the batching benchmark does in-process.");
            return md.ToString();
        }
        finally
        {
            try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
            catch (IOException e) { log.WriteLine($"could not delete {dir}: {e.Message}"); }
        }
    }

    /// <summary>The tiny test tokenizer's vocabulary size (its special tokens sit just below it, as in the fixtures' configs).</summary>
    const int TinyCheckpointVocab = 320;

    async Task<string> Measure(string dir, ScalarType dtype)
    {
        string name = dtype == ScalarType.BFloat16 ? "bf16" : "fp32";
        using var engine = Glm4vEngine.Load(dir, new EngineOptions { DType = dtype, CpuThreads = settings.Threads, PrefixCacheBytes = 0, ImageCacheBytes = 0 });
        using var local = new Glm4vChatClient(engine, new Glm4vChatClientOptions { ModelId = "medium" });
        await using var server = await StartServerAsync(local);
        using var remote = Glm4vChatClient.ForEndpoint(new Uri(server.Address, "/v1"), apiKey: null, model: "medium");
        var reps = settings.Decode;
        var pairs = new List<(Run Local, Run Remote)>();
        var one = new List<double>();
        var eight = new List<double>();
        for (int rep = 0; rep < reps.Warmup + reps.Timed; rep++)
        {
            Log($"{name}: repetition {rep + 1} of {reps.Warmup + reps.Timed}{(rep < reps.Warmup ? " (warm-up)" : "")}");
            var messages = Prompt(seed: 100 * rep);
            Run l, r;
            Harness.Collect();
            if (rep % 2 == 0) { l = await Timed(local, messages, LocalOptions()); r = await Timed(remote, messages, RemoteOptions()); }
            else { r = await Timed(remote, messages, RemoteOptions()); l = await Timed(local, messages, LocalOptions()); }
            Harness.Collect();
            var alone = await Timed(remote, Prompt(seed: 100 * rep + 1), RemoteOptions());
            Harness.Collect();
            var all = await Task.WhenAll(Enumerable.Range(0, Streams).Select(i => Timed(remote, Prompt(seed: 100 * rep + 10 + i), RemoteOptions())));
            if (rep < reps.Warmup) continue;
            if (l.OutputTokens != r.OutputTokens)
                throw new InvalidOperationException($"in-process and server answers differ in length ({l.OutputTokens} vs {r.OutputTokens} tokens)");
            pairs.Add((l, r));
            one.Add(alone.DecodeRate);
            // As in the batching benchmark: the tokens after each stream's first, from the last first token to the last token.
            long from = all.Max(a => a.FirstAt), to = all.Max(a => a.EndAt);
            eight.Add(all.Sum(a => a.OutputTokens - 1) / ((to - from) / (double)Stopwatch.Frequency));
        }
        var ttft = Stats.Of(pairs.Select(p => p.Remote.FirstToken / p.Local.FirstToken));
        var rate = Stats.Of(pairs.Select(p => p.Local.DecodeRate / p.Remote.DecodeRate));
        var scaling = Stats.Of(eight.Zip(one, (a, b) => a / b));
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {pairs[0].Local.PromptTokens} | {pairs[0].Local.OutputTokens} | " +
            $"{Report.Num(Stats.Of(pairs.Select(p => p.Local.FirstToken)).Median * 1e3)} | {Report.Num(Stats.Of(pairs.Select(p => p.Remote.FirstToken)).Median * 1e3)} | " +
            $"{Report.Ratio(ttft.Median)} | {Report.Num(Stats.Of(pairs.Select(p => p.Local.DecodeRate)).Median)} | {Report.Num(Stats.Of(pairs.Select(p => p.Remote.DecodeRate)).Median)} | " +
            $"{Report.Ratio(rate.Median)} | {Report.Num(Stats.Of(one).Median)} | {Report.Num(Stats.Of(eight).Median)} | {Report.Ratio(scaling.Median)} | {pairs.Count} |");
    }

    /// <summary>One streamed answer: Stopwatch timestamps of its start, first text and end; its usage.</summary>
    sealed record Run(long StartAt, long FirstAt, long EndAt, int PromptTokens, int OutputTokens)
    {
        public double FirstToken => (FirstAt - StartAt) / (double)Stopwatch.Frequency;
        public double DecodeRate => (OutputTokens - 1) / ((EndAt - FirstAt) / (double)Stopwatch.Frequency);
    }

    static async Task<Run> Timed(IChatClient client, IList<ChatMessage> messages, ChatOptions options)
    {
        long start = Stopwatch.GetTimestamp();
        long? first = null;
        UsageDetails? usage = null;
        await foreach (var u in client.GetStreamingResponseAsync(messages, options).ConfigureAwait(false))
        {
            if (first is null && u.Contents.Any(c => c is TextContent { Text.Length: > 0 } or TextReasoningContent { Text.Length: > 0 }))
                first = Stopwatch.GetTimestamp();
            foreach (var c in u.Contents.OfType<UsageContent>()) usage = c.Details;
        }
        long end = Stopwatch.GetTimestamp();
        if (first is null || usage?.OutputTokenCount is not long output || usage.InputTokenCount is not long input)
            throw new InvalidOperationException("a streamed answer had no text or no usage");
        return new Run(start, first.Value, end, (int)input, (int)output);
    }

    ChatOptions LocalOptions() => new()
    {
        Temperature = 0,
        MaxOutputTokens = settings.DecodeNewTokens,
        RawRepresentationFactory = _ => new SamplingOptions { IgnoreEos = true },
        AdditionalProperties = new() { ["enable_thinking"] = false },
    };

    ChatOptions RemoteOptions() => new()
    {
        Temperature = 0,
        MaxOutputTokens = settings.DecodeNewTokens,
        AdditionalProperties = new() { ["enable_thinking"] = false, ["extra_body"] = new Dictionary<string, object?> { ["ignore_eos"] = true } },
    };

    /// <summary>A random PNG and random words: nothing repeats across requests.</summary>
    static List<ChatMessage> Prompt(int seed)
    {
        var rng = new Random(seed);
        using var bitmap = new SKBitmap(ImageSide, ImageSide);
        for (int y = 0; y < ImageSide; y++)
            for (int x = 0; x < ImageSide; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256)));
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var words = string.Join(' ', Enumerable.Range(0, PromptWords).Select(_ => new string(Enumerable.Range(0, rng.Next(2, 7)).Select(_ => (char)('a' + rng.Next(26))).ToArray())));
        return [new ChatMessage(ChatRole.User, [new DataContent(png.ToArray(), "image/png"), new TextContent(words)])];
    }

    static async Task<RunningServer> StartServerAsync(IChatClient client)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(client);
        builder.Services.AddGlm4vServer(new Glm4vServerOptions { ServedModelNames = ["medium"] });
        var app = builder.Build();
        app.MapGlm4vOpenAI();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningServer(app, new Uri(address));
    }

    sealed record RunningServer(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    void Log(string what) => log.WriteLine($"[{DateTime.Now:HH:mm:ss}] server: {what}");
}
