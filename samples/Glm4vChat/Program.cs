using System.Diagnostics;
using Glm4vSK.LocalEngine;
using static TorchSharp.torch;

// glm4v-chat: load a GLM-4V checkpoint and generate. This first version takes the prompt as token ids (the tokenizer,
// chat template and image processor arrive with the processing issue): either --tokens "1,2,3" or --case NAME, which
// replays a reference case stored in the model directory's cases/ folder (the fixture models have them), images included.
var opts = Args.Parse(args);
if (opts is null)
{
    Console.Error.WriteLine("""
        usage: glm4v-chat --model <dir | hub id> (--case <name> | --tokens "id,id,...") [--max-new-tokens N]
                          [--device cpu|cuda[:N]] [--dtype float32|bfloat16|float16] [--sample --temperature T --top-p P --top-k K --seed S]
        example: glm4v-chat --model ../shared/fixtures/models/glm4v-tiny --case one_image
        """);
    return 2;
}

try
{
    var sw = Stopwatch.StartNew();
    await using var engine = await Glm4vEngine.LoadAsync(opts.Model, new EngineOptions { Device = opts.Device, DType = opts.DType });
    Console.Error.WriteLine($"loaded {engine.Config.ModelType} ({engine.Config.Text.NumHiddenLayers} layers, {engine.DType}, {engine.Device.type}) in {sw.ElapsedMilliseconds} ms");
    using var inputs = opts.Case is not null ? CaseInputs.Load(engine.ModelDirectory, opts.Case) : ModelInputs.FromTokens([opts.Tokens!], engine.Config.PadTokenId ?? 0);
    var sampling = new SamplingOptions
    {
        MaxNewTokens = opts.MaxNewTokens,
        DoSample = opts.Sample,
        Temperature = opts.Temperature,
        TopP = opts.TopP,
        TopK = opts.TopK,
        Seed = opts.Seed,
    };
    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
    sw.Restart();
    int count = 0;
    await foreach (var t in engine.GenerateAsync(inputs, sampling, cts.Token))
    {
        Console.Write(inputs.BatchSize > 1 ? $"[{t.Sequence}]{t.TokenId} " : $"{t.TokenId} ");
        count++;
        if (t.FinishReason is { } why) Console.Error.Write($"\n(sequence {t.Sequence}: {why})");
    }
    Console.WriteLine();
    Console.Error.WriteLine($"{count} tokens in {sw.ElapsedMilliseconds} ms");
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

sealed record Args(string Model, string? Case, IReadOnlyList<int>? Tokens, int? MaxNewTokens, string Device, ScalarType? DType,
    bool? Sample, float? Temperature, float? TopP, int? TopK, long? Seed)
{
    public static Args? Parse(string[] a)
    {
        var d = new Dictionary<string, string>();
        var flags = new HashSet<string>();
        for (int i = 0; i < a.Length; i++)
        {
            if (!a[i].StartsWith("--")) return null;
            if (a[i] == "--sample") { flags.Add("sample"); continue; }
            if (i + 1 >= a.Length) return null;
            d[a[i][2..]] = a[++i];
        }
        if (!d.TryGetValue("model", out var model) || (d.ContainsKey("case") == d.ContainsKey("tokens"))) return null;
        ScalarType? dtype = d.GetValueOrDefault("dtype") switch
        {
            null => null,
            "float32" or "fp32" => ScalarType.Float32,
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            "float16" or "fp16" => ScalarType.Float16,
            _ => throw new ArgumentException("--dtype must be float32, bfloat16 or float16"),
        };
        return new Args(model, d.GetValueOrDefault("case"),
            d.TryGetValue("tokens", out var tk) ? tk.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList() : null,
            d.TryGetValue("max-new-tokens", out var m) ? int.Parse(m) : 32, d.GetValueOrDefault("device") ?? "cpu", dtype,
            flags.Contains("sample") ? true : null,
            d.TryGetValue("temperature", out var t) ? float.Parse(t) : null, d.TryGetValue("top-p", out var p) ? float.Parse(p) : null,
            d.TryGetValue("top-k", out var k) ? int.Parse(k) : null, d.TryGetValue("seed", out var s) ? long.Parse(s) : null);
    }
}

/// <summary>Reads the prompt tensors of a reference case (cases/NAME.safetensors) as model inputs.</summary>
static class CaseInputs
{
    public static ModelInputs Load(string modelDir, string name)
    {
        string path = Path.Combine(modelDir, "cases", name + ".safetensors");
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
