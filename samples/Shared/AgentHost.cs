// Shared by samples/WebAgent, samples/DesktopAgent and samples/PhoneAgent: command-line parsing, the model
// connection (local checkpoint through the engine, or a remote OpenAI-compatible server), console callbacks for the
// safety gate, and saving the run's trace and HTML report.
using System.Globalization;
using Glm4vSK.Agents;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Samples;

/// <summary>Parsed <c>--key value</c> options, <c>--flag</c>s and positional words.</summary>
internal sealed class AgentArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static AgentArgs Parse(string[] args, params string[] flagNames)
    {
        var result = new AgentArgs();
        var flags = new HashSet<string>(flagNames.Concat(["dry-run", "yes", "demo-tokenizer", "help"]), StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) { result.Positional.Add(args[i]); continue; }
            string key = args[i][2..];
            if (flags.Contains(key)) { result._flags.Add(key); continue; }
            if (i + 1 >= args.Length) throw new ArgumentException($"--{key} needs a value");
            result._values[key] = args[++i];
        }
        return result;
    }

    public string? Get(string key) => _values.GetValueOrDefault(key);

    public bool Has(string flag) => _flags.Contains(flag);

    public int GetInt(string key, int fallback) =>
        _values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double GetDouble(string key, double fallback) =>
        _values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The task: <c>--task</c> or the positional words.</summary>
    public string? Task => Get("task") ?? (Positional.Count > 0 ? string.Join(' ', Positional) : null);
}

/// <summary>The chat client an agent talks to, and the engine behind it when the model runs in-process.</summary>
internal sealed class ModelConnection : IAsyncDisposable
{
    public const string Usage = """
          model (one of):
            --model <dir | hub id>         run the checkpoint in-process (GLM-4.1V-9B-Thinking, GLM-4.6V-Flash, AutoGLM-Phone-9B, …)
                [--device cpu|cuda[:N]] [--dtype bfloat16|float32] [--demo-tokenizer]
            --endpoint <url> --api-model <name> [--api-key <key>]   an OpenAI-compatible server (vLLM/SGLang, Z.ai);
                                           the key may also come from GLM4V_API_KEY
          agent:
            [--max-steps N] [--step-timeout SECONDS] [--max-new-tokens N] [--dry-run] [--yes] [--report <dir>]
            --dry-run shows what the agent would do without doing it; --yes allows sensitive actions without asking
            (otherwise each one is asked on the console, and refused when there is no console).
        """;

    private ModelConnection(IChatClient client, Glm4vEngine? engine, string description)
    {
        Client = client;
        Engine = engine;
        Description = description;
    }

    public IChatClient Client { get; }

    public Glm4vEngine? Engine { get; }

    public string Description { get; }

    public static async Task<ModelConnection> OpenAsync(AgentArgs args, CancellationToken cancellationToken)
    {
        if (args.Get("endpoint") is { } endpoint)
        {
            string model = args.Get("api-model") ?? throw new ArgumentException("--endpoint needs --api-model <name>");
            string? key = args.Get("api-key") ?? Environment.GetEnvironmentVariable("GLM4V_API_KEY");
            return new ModelConnection(Glm4vChatClient.ForEndpoint(new Uri(endpoint), key, model), null, $"{model} at {endpoint}");
        }
        string modelArg = args.Get("model") ?? throw new ArgumentException("pass --model <dir | hub id> or --endpoint <url>");
        string dir = ModelLocator.Resolve(modelArg);
        if (args.Has("demo-tokenizer")) dir = DemoModel.WithTokenizer(dir);
        var dtype = args.Get("dtype") switch
        {
            null => (TorchSharp.torch.ScalarType?)null,
            "bfloat16" or "bf16" => TorchSharp.torch.ScalarType.BFloat16,
            "float32" or "fp32" => TorchSharp.torch.ScalarType.Float32,
            "float16" or "fp16" => TorchSharp.torch.ScalarType.Float16,
            var d => throw new ArgumentException($"--dtype {d}: use bfloat16, float32 or float16"),
        };
        var engine = await Glm4vEngine.LoadAsync(dir, new EngineOptions { Device = args.Get("device") ?? "cpu", DType = dtype },
            cancellationToken: cancellationToken);
        if (!engine.HasProcessor)
        {
            await engine.DisposeAsync();
            throw new ArgumentException($"'{dir}' has no tokenizer.json; pass --demo-tokenizer to try the pipeline with the test tokenizer");
        }
        return new ModelConnection(new Glm4vChatClient(engine), engine,
            $"{engine.Config.ModelType} from {modelArg} ({engine.DType}, {engine.Device.type})");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (Engine is not null) await Engine.DisposeAsync();
    }
}

/// <summary>Agent options from the command line, with console callbacks for sensitive actions and take-over.</summary>
internal static class AgentConsole
{
    public static GuiAgentOptions Options(AgentArgs args, Agents.Prompts.IGuiPromptBuilder builder, string? websiteUrl = null,
        int defaultMaxSteps = 20, TimeSpan? delayAfterAction = null)
    {
        bool yes = args.Has("yes");
        ChatOptions? chat = null;
        if (args.Get("max-new-tokens") is not null)
        {
            chat = builder.CreateChatOptions();
            chat.MaxOutputTokens = args.GetInt("max-new-tokens", 8192);
        }
        return new GuiAgentOptions
        {
            MaxSteps = args.GetInt("max-steps", defaultMaxSteps),
            DelayAfterAction = delayAfterAction ?? TimeSpan.FromMilliseconds(500),
            StepTimeout = TimeSpan.FromSeconds(args.GetDouble("step-timeout", 300)),
            DryRun = args.Has("dry-run"),
            ChatOptions = chat,
            WebsiteUrl = websiteUrl,
            ConfirmSensitiveAction = (request, _) =>
            {
                Console.Error.WriteLine($"\nSensitive action at step {request.StepIndex}: {request.Action.Name} — {request.Reason}");
                if (yes) { Console.Error.WriteLine("allowed (--yes)"); return ValueTask.FromResult(true); }
                if (Console.IsInputRedirected) { Console.Error.WriteLine("refused (no console to ask; pass --yes to allow)"); return ValueTask.FromResult(false); }
                Console.Error.Write("Allow it? [y/N] ");
                return ValueTask.FromResult(Console.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes");
            },
            TakeOver = (request, _) =>
            {
                Console.Error.WriteLine($"\nThe agent asks you to take over: {request.Message}");
                if (Console.IsInputRedirected) return ValueTask.FromResult(false);
                Console.Error.Write("Do it on the device, then press Enter to hand back (or type 'stop'): ");
                return ValueTask.FromResult(Console.ReadLine()?.Trim().ToLowerInvariant() is not ("stop" or "no"));
            },
            OnStep = (step, _) =>
            {
                string what = step.Action is { } a ? $"{a.Name} {a.ArgsToJson().ToJsonString()}" : $"(unparsable: {step.Parse?.Reason})";
                Console.Error.WriteLine($"step {step.Index}: {what} -> {step.Outcome?.Message} ({step.Duration.TotalSeconds:0.0} s)");
                return ValueTask.CompletedTask;
            },
        };
    }

    /// <summary>
    /// Runs <paramref name="body"/> with Ctrl+C wired to cancellation, then prints and saves the run. Exit codes: 0
    /// completed, 3 ended otherwise (max steps, declined, …), 1 error, 130 cancelled (the partial run is still saved).
    /// </summary>
    public static async Task<int> RunAsync(AgentArgs args, Func<CancellationToken, Task<GuiAgentRun>> body)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            return await FinishAsync(await body(cts.Token), args);
        }
        catch (GuiAgentCanceledException e)
        {
            Console.Error.WriteLine("cancelled");
            await FinishAsync(e.Run, args);
            return 130;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Prints the result, saves trace.json + report.html, and returns the process exit code.</summary>
    public static async Task<int> FinishAsync(GuiAgentRun run, AgentArgs args)
    {
        string dir = args.Get("report") ?? Path.Combine("agent-runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        string report = await run.SaveAsync(dir);
        Console.WriteLine($"{run.Status}: {run.Message}");
        if (run.Answer is not null) Console.WriteLine($"answer: {run.Answer}");
        Console.WriteLine($"report: {Path.GetFullPath(report)}");
        return run.Status switch
        {
            GuiAgentStatus.Completed => 0,
            GuiAgentStatus.Failed => 1,
            _ => 3,
        };
    }
}
