using Glm4vSK.Connector.Tests.Support;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Glm4vSK.LocalEngine.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using N = Glm4vSK.LocalEngine.Telemetry.EngineTelemetryNames;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// Through dependency injection the engine logs and meters with the container's <see cref="ILoggerFactory"/> and
/// <see cref="IMeterFactory"/>, and its spans nest under the span of MEAI's <c>UseOpenTelemetry()</c> (plain
/// System.Diagnostics listeners: no test package needed).
/// </summary>
public sealed class TelemetryTests(TinyModel model) : IClassFixture<TinyModel>
{
    [Fact]
    public async Task The_engine_reports_through_the_container_and_under_the_chat_clients_span()
    {
        const string clientSource = "Glm4vSK.Connector.Tests.Telemetry";
        using var meters = new TestMeterFactory();
        var logs = new LogRecords();
        var services = new ServiceCollection();
        services.AddSingleton<IMeterFactory>(meters);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddGlm4vChatClient(s => { s.ModelPath = model.Dir; s.DType = "float32"; s.MaxOutputTokens = 3; s.LogPromptText = true; })
            .UseOpenTelemetry(sourceName: clientSource);
        var measured = new List<(string Instrument, double Value, string? TokenType)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (i, l) => { if (i.Meter.Scope == meters && i.Meter.Name == N.MeterName) l.EnableMeasurementEvents(i); },
        };
        void Measured(Instrument i, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? type = null;
            foreach (var t in tags) if (t.Key == N.TokenType) type = t.Value as string;
            lock (measured) measured.Add((i.Name, value, type));
        }
        meterListener.SetMeasurementEventCallback<double>((i, v, t, _) => Measured(i, v, t));
        meterListener.SetMeasurementEventCallback<long>((i, v, t, _) => Measured(i, v, t));
        meterListener.Start();
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is clientSource or N.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("Tell me about periwinkle.");

        lock (measured)
        {
            Assert.Single(measured, m => m.Instrument == N.TimeToFirstToken);
            Assert.Equal(response.Usage!.OutputTokenCount, (long)measured.Single(m => m.Instrument == N.TokenUsage && m.TokenType == "output").Value);
            Assert.Equal(response.Usage!.InputTokenCount, (long)measured.Single(m => m.Instrument == N.TokenUsage && m.TokenType == "input").Value);
        }
        Assert.Contains(logs.Snapshot(), r => r.Level == LogLevel.Information && r.Message.Contains(model.Dir)); // the load
        Assert.Contains(logs.Snapshot(), r => r.Message.Contains("periwinkle")); // LogPromptText = true

        List<Activity> all;
        lock (spans) all = [.. spans];
        var chat = Assert.Single(all, a => a.Source.Name == clientSource);
        // The first request loads the model: the load and the request's own span both lie under the client's span.
        Assert.Single(all, a => a.DisplayName == N.LoadSpan && a.ParentSpanId == chat.SpanId);
        var request = Assert.Single(all, a => a.Source.Name == N.SourceName && a.DisplayName.StartsWith(N.ChatOperation + " ", StringComparison.Ordinal) && a.ParentSpanId == chat.SpanId);
        Assert.Equal(N.ProviderName, request.GetTagItem(N.ProviderNameAttribute));
        Assert.Equal(N.ProviderName, chat.GetTagItem(N.ProviderNameAttribute)); // the client's metadata names the same provider
        Assert.Contains(all, a => a.DisplayName == N.PrepareSpan && a.ParentSpanId == request.SpanId);
        Assert.Contains(all, a => a.DisplayName == N.PrefillSpan && a.ParentSpanId == request.SpanId);
    }
}
