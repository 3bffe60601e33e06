namespace Glm4vSK.LocalEngine.Telemetry;

/// <summary>
/// The one place that names the engine's telemetry: its <see cref="System.Diagnostics.Metrics.Meter"/> and
/// <see cref="System.Diagnostics.ActivitySource"/> (both <see cref="MeterName"/>), its instruments, spans and attributes.
/// The <c>gen_ai.*</c> names are those of the OpenTelemetry GenAI semantic conventions (model-server metrics, token
/// usage, <c>gen_ai.provider.name</c>); the <c>glm4vsk.*</c> ones are the engine's own.
/// </summary>
public static class EngineTelemetryNames
{
    /// <summary>Meter and activity source name (the engine assembly's name): <c>AddMeter(MeterName)</c>, <c>AddSource(SourceName)</c>.</summary>
    public const string MeterName = "Glm4vSK.LocalEngine";
    /// <inheritdoc cref="MeterName"/>
    public const string SourceName = MeterName;
    /// <summary><c>gen_ai.provider.name</c> of the engine (also the provider of the chat client's metadata).</summary>
    public const string ProviderName = "glm4v-torchsharp";

    // GenAI semantic conventions: histograms in seconds / tokens, per request.
    public const string RequestDuration = "gen_ai.server.request.duration";
    public const string TimeToFirstToken = "gen_ai.server.time_to_first_token";
    public const string TimePerOutputToken = "gen_ai.server.time_per_output_token";
    public const string TokenUsage = "gen_ai.client.token.usage";

    // The engine's own instruments.
    public const string QueueWait = "glm4vsk.request.queue_wait";
    public const string VisionDuration = "glm4vsk.vision.duration";
    public const string PrefillDuration = "glm4vsk.prefill.duration";
    public const string PrefillTokens = "glm4vsk.prefill.tokens";
    public const string PrefillThroughput = "glm4vsk.prefill.throughput";
    public const string DecodeThroughput = "glm4vsk.decode.throughput";
    public const string BatchSize = "glm4vsk.decode.batch_size";
    public const string ActiveRequests = "glm4vsk.requests.active";
    public const string PrefixCacheLookups = "glm4vsk.prefix_cache.lookups";
    public const string PrefixCacheReusedTokens = "glm4vsk.prefix_cache.reused_tokens";
    public const string PrefixCacheBytes = "glm4vsk.prefix_cache.bytes";
    public const string ImageCacheLookups = "glm4vsk.image_cache.lookups";
    public const string ImageCacheBytes = "glm4vsk.image_cache.bytes";

    // Spans: one request span ("{operation} {model}", as the GenAI conventions name inference spans) holding the others.
    public const string LoadSpan = "glm4vsk.load";
    public const string PrepareSpan = "glm4vsk.prepare";
    public const string VisionSpan = "glm4vsk.vision";
    public const string PrefillSpan = "glm4vsk.prefill";
    public const string DecodeSpan = "glm4vsk.decode";

    // Attributes.
    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderNameAttribute = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ResponseModel = "gen_ai.response.model";
    public const string TokenType = "gen_ai.token.type";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    public const string ErrorType = "error.type";
    public const string CacheResult = "glm4vsk.cache.result";
    public const string ReusedTokens = "glm4vsk.prefix_cache.reused_tokens";
    public const string Device = "glm4vsk.device";
    public const string DType = "glm4vsk.dtype";
    public const string MediaItems = "glm4vsk.media.items";

    /// <summary>The engine's <c>gen_ai.operation.name</c>: every request is a chat turn.</summary>
    public const string ChatOperation = "chat";
}
