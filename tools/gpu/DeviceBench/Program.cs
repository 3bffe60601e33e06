using System.Globalization;
using Glm4vSK.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

// glm4v-devicebench --probe --device cuda
// glm4v-devicebench --model medium|glm41v-9b --device cuda --dtype bfloat16 [--layers N] --prompt N --decode N [--json FILE]
// Exit codes: 0 done, 1 failed (reason on stderr), 2 wrong arguments.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
bool probe = false;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--probe") { probe = true; continue; }
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"unexpected argument '{args[i]}' (options: --probe, --model, --device, --dtype, --layers, --prompt, --decode, --json)");
        return 2;
    }
    options[args[i][2..]] = args[++i];
}
string device = options.GetValueOrDefault("device", "cpu");
int Number(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

try
{
    if (probe)
    {
        // Loads TorchSharp's CUDA backend (libtorch_cuda, then libLibTorchSharp.so) before anything else; a loader
        // failure surfaces here with TorchSharp's load trace.
        if (device.StartsWith("cuda", StringComparison.Ordinal)) torch.InitializeDeviceType(DeviceType.CUDA);
        Console.WriteLine($"torch {torch.__version__}; cuda available: {cuda.is_available()}; devices: {(cuda.is_available() ? cuda.device_count() : 0)}");
        using var a = ones([256, 256], device: new Device(device));
        using var b = a.matmul(a).sum().cpu();
        Console.WriteLine($"matmul on {device}: {b.item<float>()}");
        return 0;
    }
    var dtype = options.GetValueOrDefault("dtype", "bfloat16") switch
    {
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "float16" or "fp16" => ScalarType.Float16,
        "float32" or "fp32" => ScalarType.Float32,
        var other => throw new ArgumentException($"--dtype {other}: use bfloat16, float16 or float32."),
    };
    if (device.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available())
        throw new InvalidOperationException($"--device {device}: CUDA is not available to TorchSharp.");
    var result = DeviceBench.Run(options.GetValueOrDefault("model", "medium"), device, dtype, options.ContainsKey("layers") ? Number("layers", 0) : null,
        Number("prompt", 512), Number("decode", 32), Console.Error);
    Console.WriteLine(DeviceBench.MarkdownHeader);
    Console.WriteLine(DeviceBench.MarkdownRow(result));
    if (options.TryGetValue("json", out var json)) File.WriteAllText(json, DeviceBench.Json(result) + "\n");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"{e.GetType().Name}: {e.Message}");
    return 1;
}
