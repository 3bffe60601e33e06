using System.Diagnostics.Metrics;

namespace Glm4vSK.Server;

/// <summary>The server's instruments (meter <see cref="MeterName"/>), exported on <c>/metrics</c> by OpenTelemetry's Prometheus exporter.</summary>
public sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "Glm4vSK.Server";

    readonly Meter _meter;

    public ServerMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        Requests = _meter.CreateCounter<long>("glm4v.server.requests", "{request}", "Chat completion requests, by HTTP status.");
        PromptTokens = _meter.CreateCounter<long>("glm4v.server.prompt_tokens", "{token}", "Prompt tokens of completed requests.");
        CompletionTokens = _meter.CreateCounter<long>("glm4v.server.completion_tokens", "{token}", "Generated tokens of completed requests.");
        TimeToFirstToken = _meter.CreateHistogram<double>("glm4v.server.time_to_first_token", "s", "Seconds from the request to its first generated output.");
    }

    public Counter<long> Requests { get; }
    public Counter<long> PromptTokens { get; }
    public Counter<long> CompletionTokens { get; }
    public Histogram<double> TimeToFirstToken { get; }

    public void Dispose() => _meter.Dispose();
}
