using System.Diagnostics;
using Glm4vSK.Connector;
using Glm4vSK.Connector.Grounding;
using Glm4vSK.Formats;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

// glm4v-chat: chat with a GLM-4V checkpoint about images and videos through the IChatClient (thinking shown dimmed),
// or replay a reference case.
var opts = Args.Parse(args);
if (opts is null)
{
    Console.Error.WriteLine("""
        usage: glm4v-chat --model <dir | hub id> [--image <file>]... [--video <file>] [--system <text>] [prompt]
                          [--no-thinking] [--max-new-tokens N] [--min-pixels N] [--max-pixels N]
                          [--device cpu|cuda[:N]] [--dtype float32|bfloat16|float16]
                          [--sample] [--temperature T] [--top-p P] [--top-k K] [--seed S] [--demo-tokenizer]
                          [--ground boxes.png]   draw the boxes of the answer on the first image
               glm4v-chat --model <dir> --case <name>        replay cases/<name>.safetensors (token ids + pixels)
        Without a prompt, chats interactively (an empty line quits). --demo-tokenizer adds the small test tokenizer to a
        checkpoint that has none (the tiny reference models: their weights are random, so is their answer).
        """);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
try
{
    string modelDir = ModelLocator.Resolve(opts.Model);
    if (opts.DemoTokenizer) modelDir = DemoModel.WithTokenizer(modelDir);
    var sw = Stopwatch.StartNew();
    var mediaRoots = opts.Images.Concat(opts.Video is null ? [] : [opts.Video]).Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct().ToList();
    await using var engine = await Glm4vEngine.LoadAsync(modelDir, new EngineOptions
    {
        Device = opts.Device,
        DType = opts.DType,
        Processor = new ProcessorOptions { MediaAccess = new MediaAccessPolicy { AllowedFileRoots = mediaRoots } },
    }, cancellationToken: cts.Token);
    Console.Error.WriteLine($"loaded {engine.Config.ModelType} ({engine.Config.Text.NumHiddenLayers} layers, {engine.DType}, {engine.Device.type}) in {sw.ElapsedMilliseconds} ms");
    var sampling = new SamplingOptions
    {
        MaxNewTokens = opts.MaxNewTokens, DoSample = opts.Sample, Temperature = opts.Temperature, TopP = opts.TopP, TopK = opts.TopK, Seed = opts.Seed,
    };

    if (opts.Case is not null)
    {
        using var inputs = CaseInputs.Load(engine.ModelDirectory, opts.Case);
        await foreach (var t in engine.GenerateAsync(inputs, sampling with { IgnoreEos = true }, cts.Token))
            Console.Write(inputs.BatchSize > 1 ? $"[{t.Sequence}]{t.TokenId} " : $"{t.TokenId} ");
        Console.WriteLine();
        return 0;
    }
    if (!engine.HasProcessor)
    {
        Console.Error.WriteLine($"error: '{modelDir}' has no tokenizer.json; pass --demo-tokenizer to try the pipeline with the test tokenizer, or --case to replay token ids.");
        return 1;
    }

    using var client = new Glm4vChatClient(engine);
    var history = new List<ChatMessage>();
    if (opts.System is not null) history.Add(new ChatMessage(ChatRole.System, opts.System));
    var chatOptions = new ChatOptions
    {
        MaxOutputTokens = opts.MaxNewTokens, Temperature = opts.Sample == true ? opts.Temperature ?? 1f : opts.Temperature ?? 0f,
        TopP = opts.TopP, TopK = opts.TopK, Seed = opts.Seed,
        Reasoning = opts.NoThinking ? new ReasoningOptions { Effort = ReasoningEffort.None } : null,
        AdditionalProperties = new AdditionalPropertiesDictionary(),
    };
    if (opts.MinPixels is long minP) chatOptions.AdditionalProperties["min_pixels"] = minP;
    if (opts.MaxPixels is long maxP) chatOptions.AdditionalProperties["max_pixels"] = maxP;
    bool color = !Console.IsOutputRedirected;
    bool first = true;
    while (true)
    {
        string? text = opts.Prompt;
        if (text is null)
        {
            Console.Error.Write("> ");
            text = Console.ReadLine();
            if (string.IsNullOrWhiteSpace(text)) break;
        }
        var contents = new List<AIContent>();
        if (first)
        {
            foreach (var img in opts.Images) contents.Add(new UriContent(new Uri(Path.GetFullPath(img)), MediaType(img, "image")));
            if (opts.Video is not null) contents.Add(new UriContent(new Uri(Path.GetFullPath(opts.Video)), MediaType(opts.Video, "video")));
        }
        contents.Add(new TextContent(text));
        history.Add(new ChatMessage(ChatRole.User, contents));
        first = false;

        sw.Restart();
        var updates = new List<ChatResponseUpdate>();
        bool inReasoning = false;
        await foreach (var update in client.GetStreamingResponseAsync(history, chatOptions, cts.Token))
        {
            updates.Add(update);
            foreach (var c in update.Contents)
            {
                if (c is TextReasoningContent r)
                {
                    if (!inReasoning && color) Console.Write("\u001b[2m");    // thinking: dimmed
                    inReasoning = true;
                    Console.Write(r.Text);
                }
                else if (c is TextContent t)
                {
                    if (inReasoning && color) Console.Write("\u001b[0m");
                    if (inReasoning) Console.WriteLine();
                    inReasoning = false;
                    Console.Write(t.Text);
                }
            }
        }
        if (inReasoning && color) Console.Write("\u001b[0m");
        Console.WriteLine();
        var response = updates.ToChatResponse();
        Console.Error.WriteLine($"({response.Usage?.InputTokenCount} prompt tokens, {response.Usage?.OutputTokenCount} generated in {sw.ElapsedMilliseconds} ms, {response.FinishReason})");
        history.AddMessages(response);

        if (opts.Ground is not null && opts.Images.Count > 0)
        {
            byte[] image = File.ReadAllBytes(opts.Images[0]);
            var size = ImageDecoder.ReadSize(image);
            var grounding = GroundingParser.Parse(response.Text, size.Width, size.Height);
            File.WriteAllBytes(opts.Ground, GroundingDrawer.DrawBoxes(image, grounding.Boxes));
            Console.Error.WriteLine($"{grounding.Boxes.Count} box(es), {grounding.Points.Count} point(s) → {opts.Ground}");
        }
        if (opts.Prompt is not null) break;
    }
    return 0;
}
catch (Glm4vException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}

static string MediaType(string path, string kind) => Path.GetExtension(path).ToLowerInvariant() switch
{
    ".png" => "image/png",
    ".jpg" or ".jpeg" => "image/jpeg",
    ".webp" => "image/webp",
    ".gif" => "image/gif",
    ".bmp" => "image/bmp",
    ".mp4" => "video/mp4",
    ".webm" => "video/webm",
    ".mkv" => "video/x-matroska",
    ".mov" => "video/quicktime",
    _ => kind + "/*",
};

sealed record Args(string Model, string? Case, string? Prompt, IReadOnlyList<string> Images, string? Video, string? System, bool NoThinking,
    int? MaxNewTokens, long? MinPixels, long? MaxPixels, string Device, ScalarType? DType, bool? Sample, float? Temperature, float? TopP,
    int? TopK, long? Seed, bool DemoTokenizer, string? Ground)
{
    public static Args? Parse(string[] a)
    {
        var d = new Dictionary<string, string>();
        var flags = new HashSet<string>();
        var images = new List<string>();
        string? prompt = null;
        for (int i = 0; i < a.Length; i++)
        {
            if (!a[i].StartsWith("--")) { if (prompt is not null) return null; prompt = a[i]; continue; }
            string key = a[i][2..];
            if (key is "sample" or "no-thinking" or "demo-tokenizer") { flags.Add(key); continue; }
            if (i + 1 >= a.Length) return null;
            if (key == "image") images.Add(a[++i]);
            else d[key] = a[++i];
        }
        if (!d.TryGetValue("model", out var model)) return null;
        ScalarType? dtype = d.GetValueOrDefault("dtype") switch
        {
            null => null,
            "float32" or "fp32" => ScalarType.Float32,
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            "float16" or "fp16" => ScalarType.Float16,
            _ => throw new ArgumentException("--dtype must be float32, bfloat16 or float16"),
        };
        long? L(string k) => d.TryGetValue(k, out var v) ? long.Parse(v) : null;
        return new Args(model, d.GetValueOrDefault("case"), prompt, images, d.GetValueOrDefault("video"), d.GetValueOrDefault("system"),
            flags.Contains("no-thinking"), d.TryGetValue("max-new-tokens", out var m) ? int.Parse(m) : 256, L("min-pixels"), L("max-pixels"),
            d.GetValueOrDefault("device") ?? "cpu", dtype, flags.Contains("sample") ? true : null,
            d.TryGetValue("temperature", out var t) ? float.Parse(t) : null, d.TryGetValue("top-p", out var p) ? float.Parse(p) : null,
            d.TryGetValue("top-k", out var k) ? int.Parse(k) : null, d.TryGetValue("seed", out var s) ? long.Parse(s) : null, flags.Contains("demo-tokenizer"), d.GetValueOrDefault("ground"));
    }
}

/// <summary>Reads the prompt tensors of a reference case (cases/NAME.safetensors) as model inputs.</summary>
static class CaseInputs
{
    public static ModelInputs Load(string modelDir, string name)
    {
        string path = Path.Combine(modelDir, "cases", name + ".safetensors");
        if (!File.Exists(path)) path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(Path.Combine(modelDir, "config.json")))!, "cases", name + ".safetensors");
        using var f = SafetensorsFile.Open(path);
        long[,] L2(string n)
        {
            using var t = f.Read(n);
            var flat = t.data<long>().ToArray();
            var r = new long[t.shape[0], t.shape[1]];
            Buffer.BlockCopy(flat, 0, r, 0, flat.Length * sizeof(long));
            return r;
        }
        IReadOnlyList<GridThw> Grids(string n)
        {
            if (!f.Contains(n)) return [];
            var g = L2(n);
            return Enumerable.Range(0, g.GetLength(0)).Select(i => new GridThw((int)g[i, 0], (int)g[i, 1], (int)g[i, 2])).ToList();
        }
        Tensor? Pixels(string n) => f.Contains(n) ? f.Read(n).clone() : null;
        return new ModelInputs(L2("input_ids"), L2("attention_mask"), Pixels("pixel_values"), Grids("image_grid_thw"),
            Pixels("pixel_values_videos"), Grids("video_grid_thw"));
    }
}
