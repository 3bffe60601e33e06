using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Telemetry;
using Glm4vSK.LocalEngine.Testing;
using Glm4vSK.LocalEngine.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Telemetry;

/// <summary>
/// A meter factory and a log collector of one test's own, so that the engines other tests run at the same time (same
/// meter name, same process) never show up in its measurements or logs; and a random tiny model with the test tokenizer.
/// </summary>
internal sealed class TelemetryRig : IDisposable
{
    /// <summary>A random checkpoint shaped like the fixture model, with a preprocessor config and the test tokenizer.</summary>
    public static readonly Lazy<string> ModelDir = new(() => RandomModels.Dir("telemetry-with-tokenizer", TinyCheckpoint.FixtureShapedConfig, ScalarType.Float32, 1, dir =>
    {
        TinyCheckpoint.WritePreprocessorConfig(dir);
        TinyTokenizer.Write(dir);
    }));

    readonly List<IDisposable> _owned = [];

    public TelemetryRig()
    {
        Logs = new FakeLogCollector();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
    }

    public TestMeterFactory Meters { get; } = new();
    public FakeLogCollector Logs { get; }
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Engine options that report to this rig (caches off unless the test turns them on).</summary>
    public EngineOptions Options(int maxBatchSize = 8) => new()
    {
        DType = ScalarType.Float32, PrefixCacheBytes = 0, ImageCacheBytes = 0, MaxBatchSize = maxBatchSize,
        MeterFactory = Meters, LoggerFactory = LoggerFactory,
    };

    /// <summary>A collector of one of the engine's instruments, on this rig's meters only.</summary>
    public MetricCollector<T> Collect<T>(string instrument) where T : struct
    {
        var c = new MetricCollector<T>(Meters, EngineTelemetryNames.MeterName, instrument);
        _owned.Add(c);
        return c;
    }

    public static SamplingOptions Greedy(int newTokens) => new() { MaxNewTokens = newTokens, DoSample = false, IgnoreEos = true };

    /// <summary>A user turn with a picture (56×56: a few image tokens on the tiny model) and a question.</summary>
    public static ChatMessage UserWithImage(string text) => new(ChatRole.User, [TestProcessors.Png(56, 56), new TextContent(text)]);

    /// <summary>Prepares <paramref name="messages"/> as the chat client does, streams the answer, and returns the prompt's token count and the answer's tokens.</summary>
    public static async Task<(int PromptTokens, List<GeneratedToken> Tokens)> ChatAsync(Glm4vEngine engine, IEnumerable<ChatMessage> messages, int newTokens)
    {
        using var prompt = await engine.Processor.PrepareAsync(messages);
        var tokens = new List<GeneratedToken>();
        await foreach (var t in engine.GenerateAsync(prompt.Inputs, Greedy(newTokens))) tokens.Add(t);
        return (prompt.TokenCount, tokens);
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        LoggerFactory.Dispose();
        Meters.Dispose();
    }
}
