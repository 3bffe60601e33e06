using System.Diagnostics;
using System.Diagnostics.Metrics;
using Glm4vSK.LocalEngine.Caching;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;
using N = Glm4vSK.LocalEngine.Telemetry.EngineTelemetryNames;

namespace Glm4vSK.LocalEngine.Telemetry;

/// <summary>
/// One engine's meter, instruments and logger (names: <see cref="EngineTelemetryNames"/>). The meter comes from
/// <see cref="EngineOptions.MeterFactory"/> when DI gives one, else the engine owns one of the same name (disposed with
/// it, so its cache gauges go with it). Spans come from one process-wide <see cref="ActivitySource"/>; every span is
/// started with an explicit parent and leaves <see cref="Activity.Current"/> as it was, because the batch loop runs
/// many requests on one thread.
/// </summary>
internal sealed class EngineTelemetry : IDisposable
{
    internal static readonly ActivitySource Source = new(N.SourceName, typeof(EngineTelemetry).Assembly.GetName().Version?.ToString());

    // Bucket boundaries the GenAI semantic conventions recommend for each histogram.
    static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    static readonly double[] FirstTokenBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];
    static readonly double[] PerTokenBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
    static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    static readonly double[] ThroughputBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];
    static readonly int[] BatchBuckets = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];

    readonly Meter _meter;
    readonly bool _ownsMeter;
    volatile bool _disposed;

    public EngineTelemetry(string modelName, EngineOptions options)
    {
        ModelName = modelName;
        LogPromptText = options.LogPromptText;
        Logger = options.LoggerFactory?.CreateLogger<Glm4vEngine>() ?? NullLogger<Glm4vEngine>.Instance;
        _ownsMeter = options.MeterFactory is null;
        _meter = options.MeterFactory?.Create(new MeterOptions(N.MeterName) { Version = Source.Version }) ?? new Meter(N.MeterName, Source.Version);
        Tags = [new(N.OperationName, N.ChatOperation), new(N.ProviderNameAttribute, N.ProviderName), new(N.RequestModel, modelName), new(N.ResponseModel, modelName)];

        RequestDuration = Histogram(N.RequestDuration, "s", "Time from the request (its prompt preparation, when the engine did it) to its last token.", DurationBuckets);
        TimeToFirstToken = Histogram(N.TimeToFirstToken, "s", "Time from the request to its first generated token, for successful requests.", FirstTokenBuckets);
        TimePerOutputToken = Histogram(N.TimePerOutputToken, "s", "Time per decode step after the first token, for successful requests.", PerTokenBuckets);
        TokenUsage = _meter.CreateHistogram(N.TokenUsage, "{token}", "Prompt (input) and generated (output) tokens of each request.", null,
            new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        QueueWait = Histogram(N.QueueWait, "s", "Time a request waited for the engine (batch slot or gate) before its prefill.", FirstTokenBuckets);
        VisionDuration = Histogram(N.VisionDuration, "s", "Time of each vision-tower run (the pictures the image-embedding cache did not have).", FirstTokenBuckets);
        PrefillDuration = Histogram(N.PrefillDuration, "s", "Time from a prefill's first chunk to its first token (vision and decoder; other requests' decode steps between chunks included).", FirstTokenBuckets);
        PrefillTokens = _meter.CreateCounter<long>(N.PrefillTokens, "{token}", "Prompt tokens run through the decoder (those the prefix cache did not restore).");
        PrefillThroughput = Histogram(N.PrefillThroughput, "{token}/s", "Prompt tokens per second of each prefill.", ThroughputBuckets);
        DecodeThroughput = Histogram(N.DecodeThroughput, "{token}/s", "Generated tokens per second of each request after its first token.", ThroughputBuckets);
        BatchSize = _meter.CreateHistogram(N.BatchSize, "{sequence}", "Sequences in each decode step.", null, new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
        ActiveRequests = _meter.CreateUpDownCounter<long>(N.ActiveRequests, "{request}", "Requests in the engine (waiting or generating).");
    }

    public string ModelName { get; }
    public bool LogPromptText { get; }
    public ILogger Logger { get; }
    /// <summary>The GenAI attributes every measurement of this engine carries.</summary>
    public KeyValuePair<string, object?>[] Tags { get; }

    public Histogram<double> RequestDuration { get; }
    public Histogram<double> TimeToFirstToken { get; }
    public Histogram<double> TimePerOutputToken { get; }
    public Histogram<long> TokenUsage { get; }
    public Histogram<double> QueueWait { get; }
    public Histogram<double> VisionDuration { get; }
    public Histogram<double> PrefillDuration { get; }
    public Counter<long> PrefillTokens { get; }
    public Histogram<double> PrefillThroughput { get; }
    public Histogram<double> DecodeThroughput { get; }
    public Histogram<int> BatchSize { get; }
    public UpDownCounter<long> ActiveRequests { get; }

    Histogram<double> Histogram(string name, string unit, string description, double[] buckets) =>
        _meter.CreateHistogram(name, unit, description, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    /// <summary>Gauges and counters read from the caches when a collector asks (nothing once the engine is disposed).</summary>
    public void Observe(EngineCaches? caches)
    {
        if (caches?.Prefix is { } prefix)
        {
            _meter.CreateObservableCounter(N.PrefixCacheLookups, () => Live(
                [new(prefix.HitLookups, With(N.CacheResult, "hit")), new(prefix.Lookups - prefix.HitLookups, With(N.CacheResult, "miss"))]),
                "{lookup}", "Prefix (KV) cache lookups, by result: a hit restored at least one block.");
            _meter.CreateObservableCounter(N.PrefixCacheReusedTokens, () => Live([new Measurement<long>(prefix.HitTokens, Tags)]),
                "{token}", "Prompt tokens restored from the prefix cache instead of prefilled.");
            _meter.CreateObservableGauge(N.PrefixCacheBytes, () => Live([new Measurement<long>(prefix.Bytes, Tags)]),
                "By", "Bytes the prefix cache holds.");
        }
        if (caches?.Images is { } images)
        {
            _meter.CreateObservableCounter(N.ImageCacheLookups, () => Live(
                [new(images.Hits, With(N.CacheResult, "hit")), new(images.Misses, With(N.CacheResult, "miss"))]),
                "{lookup}", "Image-embedding cache lookups (one per picture of a prefill), by result.");
            _meter.CreateObservableGauge(N.ImageCacheBytes, () => Live([new Measurement<long>(images.Bytes, Tags)]),
                "By", "Bytes the image-embedding cache holds.");
        }
    }

    IEnumerable<Measurement<long>> Live(Measurement<long>[] measurements) => _disposed ? [] : measurements;

    /// <summary>The engine's attributes plus one more.</summary>
    public KeyValuePair<string, object?>[] With(string key, object? value) => [.. Tags, new(key, value)];

    /// <summary>Records one decode step over <paramref name="sequences"/> sequences.</summary>
    public void DecodeStep(int sequences) => BatchSize.Record(sequences, Tags);

    /// <summary>Starts the telemetry of one request (its span, if anyone listens, and its timings).</summary>
    public RequestTelemetry StartRequest(ModelInputs inputs) => new(this, inputs);

    /// <summary>
    /// A span under <paramref name="parent"/> that leaves <see cref="Activity.Current"/> unchanged; null when nobody
    /// listens or there is no parent (a child must never start a trace of its own).
    /// </summary>
    public static Activity? StartChild(string name, Activity? parent, DateTimeOffset startTime = default, IEnumerable<KeyValuePair<string, object?>>? tags = null)
    {
        if (parent is null) return null;
        var previous = Activity.Current;
        var activity = Source.StartActivity(name, ActivityKind.Internal, parent.Context, tags, startTime: startTime);
        Activity.Current = previous;
        return activity;
    }

    /// <summary>Starts a root-or-child span (parent: the caller's current span) that leaves <see cref="Activity.Current"/> unchanged.</summary>
    public static Activity? StartDetached(string name, DateTimeOffset startTime = default, IEnumerable<KeyValuePair<string, object?>>? tags = null)
    {
        var previous = Activity.Current;
        var activity = Source.StartActivity(name, ActivityKind.Internal, previous?.Context ?? default, tags, startTime: startTime);
        Activity.Current = previous;
        return activity;
    }

    /// <summary>Ends <paramref name="activity"/> at <paramref name="end"/> (spans recorded after the fact).</summary>
    public static void StopAt(Activity? activity, DateTimeOffset end)
    {
        if (activity is null) return;
        activity.SetEndTime(end.UtcDateTime);
        activity.Stop();
    }

    /// <summary>Marks <paramref name="activity"/> failed with the GenAI <c>error.type</c>.</summary>
    public static void SetError(Activity? activity, Exception error)
    {
        if (activity is null) return;
        activity.SetTag(N.ErrorType, ErrorType(error));
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
    }

    /// <summary>The low-cardinality <c>error.type</c> of an exception: its type's full name.</summary>
    public static string ErrorType(Exception error) => error.GetType().FullName ?? error.GetType().Name;

    /// <summary>The span of a load, with the engine's attributes.</summary>
    public Activity? StartLoad(string directory, EngineOptions options) =>
        StartDetached(N.LoadSpan, tags: [.. Tags, new("glm4vsk.model.path", directory), new(N.Device, options.Device)]);

    /// <summary>Logs a finished load (and its warnings) and closes its span.</summary>
    public void Loaded(Activity? span, string directory, Device device, ScalarType dtype, TimeSpan elapsed, IReadOnlyList<string> warnings)
    {
        span?.SetTag(N.Device, device.ToString());
        span?.SetTag(N.DType, dtype.ToString());
        span?.Dispose();
        EngineLog.Loaded(Logger, directory, device.ToString(), dtype.ToString(), elapsed.TotalSeconds);
        foreach (var w in warnings) EngineLog.LoadWarning(Logger, directory, w);
    }

    public void LoadFailed(Activity? span, string directory, Exception error)
    {
        SetError(span, error);
        span?.Dispose();
        EngineLog.LoadFailed(Logger, error, directory);
    }

    public void Dispose()
    {
        _disposed = true;
        if (_ownsMeter) _meter.Dispose();
    }
}
