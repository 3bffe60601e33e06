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
            var decodeSeconds = new List<double>();
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
                md.AppendLine(await Measure(dir, dtype, decodeSeconds));
            md.AppendLine();
            md.AppendLine($"Request: one user message with a random {ImageSide}×{ImageSide} PNG and {PromptWords} random words; greedy " +
                $"(temperature 0), {settings.DecodeNewTokens} new tokens with ignore_eos, thinking off. Engine: `EngineOptions` defaults " +
                "(MaxBatchSize 8) with both cache budgets 0, so no request reuses another's prefill. Server: `AddGlm4vServer` + " +
                "`MapGlm4vOpenAI` on Kestrel (127.0.0.1, port 0) over the same `Glm4vChatClient`; client: `Glm4vChatClient.ForEndpoint` " +
                "(image sent as a data URL, `stream_options.include_usage`). Ratios > 1 mean the server is slower. The 8 HTTP streams " +
                "are sent at once; their aggregate decode tok/s counts the tokens after each stream's first from the last first token to the " +
                "last token (the prefills are outside it), as the batching benchmark does in-process.");
            md.AppendLine();
            md.AppendLine(await TransportOverhead(decodeSeconds));
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

    async Task<string> Measure(string dir, ScalarType dtype, List<double> decodeSeconds)
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
        decodeSeconds.Add(1 / Stats.Of(pairs.Select(p => p.Local.DecodeRate)).Median);
        var ttft = Stats.Of(pairs.Select(p => p.Remote.FirstToken / p.Local.FirstToken));
        var rate = Stats.Of(pairs.Select(p => p.Local.DecodeRate / p.Remote.DecodeRate));
        var scaling = Stats.Of(eight.Zip(one, (a, b) => a / b));
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {pairs[0].Local.PromptTokens} | {pairs[0].Local.OutputTokens} | " +
            $"{Report.Num(Stats.Of(pairs.Select(p => p.Local.FirstToken)).Median * 1e3)} | {Report.Num(Stats.Of(pairs.Select(p => p.Remote.FirstToken)).Median * 1e3)} | " +
            $"{Report.Ratio(ttft.Median)} | {Report.Num(Stats.Of(pairs.Select(p => p.Local.DecodeRate)).Median)} | {Report.Num(Stats.Of(pairs.Select(p => p.Remote.DecodeRate)).Median)} | " +
            $"{Report.Ratio(rate.Median)} | {Report.Num(Stats.Of(one).Median)} | {Report.Num(Stats.Of(eight).Median)} | {Report.Ratio(scaling.Median)} | {pairs.Count} |");
    }

    const int InstantTokens = 64, InstantRequests = 200;

    /// <summary>
    /// The server's own cost, free of the engine's (and of the load's effect on it): the same endpoints over a chat
    /// client that answers instantly ({InstantTokens} one-token updates and the usage), called sequentially through the
    /// remote client; the same client called in-process is the baseline. The difference is what HTTP, JSON and SSE add
    /// to the first token and to each further token, set against the engine's in-process decode step measured above.
    /// </summary>
    async Task<string> TransportOverhead(List<double> decodeSeconds)
    {
        var instant = new InstantChatClient(InstantTokens);
        await using var server = await StartServerAsync(instant);
        using var remote = Glm4vChatClient.ForEndpoint(new Uri(server.Address, "/v1"), apiKey: null, model: "medium");
        var messages = Prompt(seed: 7);
        var options = RemoteOptions();
        Log($"transport: {InstantRequests} requests in-process and through the server (instant backend)");
        var local = new List<Run>();
        var http = new List<Run>();
        for (int i = 0; i < InstantRequests + 20; i++)
        {
            var l = await Timed(instant, messages, options);
            var r = await Timed(remote, messages, options);
            if (i < 20) continue; // warm-up: JIT, connection pool
            local.Add(l);
            http.Add(r);
        }
        double PerToken(Run r) => (r.EndAt - r.FirstAt) / (double)Stopwatch.Frequency / (r.OutputTokens - 1);
        double ttft = Stats.Of(http.Select(r => r.FirstToken)).Median - Stats.Of(local.Select(r => r.FirstToken)).Median;
        double perToken = Stats.Of(http.Select(PerToken)).Median - Stats.Of(local.Select(PerToken)).Median;
        var md = new StringBuilder();
        md.AppendLine("## Server overhead with an instant backend (the endpoints' own cost)");
        md.AppendLine();
        md.AppendLine("| added to the first token (ms, median) | added per further token (µs, median) | per-token overhead ÷ the medium model's decode step (fp32 / bf16, in-process, above) | requests |");
        md.AppendLine("|---:|---:|---:|---:|");
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {Report.Num(ttft * 1e3)} | {Report.Num(perToken * 1e6)} | " +
            $"{string.Join(" / ", decodeSeconds.Select(d => (perToken / d).ToString("P2", CultureInfo.InvariantCulture)))} | {http.Count} |"));
        md.AppendLine();
        md.AppendLine($"Same request as above (the PNG is decoded and checked by the server's reader, then ignored by the backend), " +
            $"{InstantTokens} updates of one short token each plus the usage; {InstantRequests} sequential requests after 20 warm-up ones, each " +
            "timed in-process and through the server, with the same clock as above. The first-token overhead includes sending and parsing the " +
            "~600 kB request body.");
        return md.ToString();
    }

    /// <summary>Answers at once: <c>tokens</c> one-token text updates, then the usage, as the local client streams them.</summary>
    sealed class InstantChatClient(int tokens) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            for (int i = 0; i < tokens; i++)
                yield return new ChatResponseUpdate(ChatRole.Assistant, "ab") { ResponseId = "instant", MessageId = "instant" };
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 100, OutputTokenCount = tokens, TotalTokenCount = 100 + tokens })])
            {
                ResponseId = "instant", MessageId = "instant", FinishReason = ChatFinishReason.Length,
            };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
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
