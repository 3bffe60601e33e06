using System.Diagnostics;
using Glm4vSK.LocalEngine.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;
using static Glm4vSK.LocalEngine.Tests.Telemetry.TelemetryRig;
using N = Glm4vSK.LocalEngine.Telemetry.EngineTelemetryNames;

namespace Glm4vSK.LocalEngine.Tests.Telemetry;

/// <summary>
/// The engine's spans, through OpenTelemetry's in-memory exporter: one request span under the caller's, holding
/// prepare, prefill (holding vision) and decode, in that order; a load span with the device and dtype.
/// </summary>
public sealed class EngineTracingTests
{
    static readonly ActivitySource Test = new("Glm4vSK.LocalEngine.Tests.Telemetry");

    [Theory]
    [InlineData(1)]
    [InlineData(8)] // the batch loop runs the prefill on its own thread: the spans must still nest
    public async Task The_spans_of_one_request_nest_under_it_in_order(int maxBatchSize)
    {
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(N.SourceName, Test.Name).AddInMemoryExporter(exported).Build();
        using var rig = new TelemetryRig();
        using var engine = Glm4vEngine.Load(ModelDir.Value, rig.Options(maxBatchSize));
        ActivityTraceId trace;
        ActivitySpanId rootId;
        using (var root = Test.StartActivity("test request")!)
        {
            (trace, rootId) = (root.TraceId, root.SpanId);
            var (promptTokens, tokens) = await ChatAsync(engine, [UserWithImage("What is in this image?")], 4);
            Assert.Same(root, Activity.Current); // the engine leaves the caller's current span alone
        }
        tracing.ForceFlush();
        List<Activity> spans;
        lock (exported) spans = exported.Where(a => a.TraceId == trace && a.Source.Name == N.SourceName).ToList();

        var request = Assert.Single(spans, s => s.ParentSpanId == rootId);
        Assert.Equal($"{N.ChatOperation} {Path.GetFileName(ModelDir.Value)}", request.DisplayName);
        Assert.Equal(N.ProviderName, request.GetTagItem(N.ProviderNameAttribute));
        Assert.Equal(N.ChatOperation, request.GetTagItem(N.OperationName));
        Assert.Equal(4, request.GetTagItem(N.OutputTokens));
        Assert.Equal(ActivityStatusCode.Unset, request.Status);

        Activity Child(string name, Activity parent) => Assert.Single(spans, s => s.DisplayName == name && s.ParentSpanId == parent.SpanId);
        var prepare = Child(N.PrepareSpan, request);
        var prefill = Child(N.PrefillSpan, request);
        var vision = Child(N.VisionSpan, prefill);
        var decode = Child(N.DecodeSpan, request);
        Assert.Equal(5, spans.Count); // nothing else, nothing twice
        Assert.Equal(3, decode.GetTagItem(N.OutputTokens)); // the first token comes out of the prefill

        // In time: the request holds them all; prepare, then prefill (vision inside it), then decode.
        static DateTime End(Activity a) => a.StartTimeUtc + a.Duration;
        foreach (var s in new[] { prepare, prefill, vision, decode })
            Assert.True(s.StartTimeUtc >= request.StartTimeUtc && End(s) <= End(request), $"{s.DisplayName} lies outside the request span");
        Assert.True(End(prepare) <= prefill.StartTimeUtc);
        Assert.True(vision.StartTimeUtc >= prefill.StartTimeUtc && End(vision) <= End(prefill));
        Assert.True(prefill.StartTimeUtc <= decode.StartTimeUtc);
    }

    [Fact]
    public void Loading_records_a_span_with_the_device_and_dtype()
    {
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(N.SourceName, Test.Name).AddInMemoryExporter(exported).Build();
        using var rig = new TelemetryRig();
        ActivitySpanId rootId;
        using (var root = Test.StartActivity("test load")!)
        {
            rootId = root.SpanId;
            using var engine = Glm4vEngine.Load(ModelDir.Value, rig.Options());
        }
        tracing.ForceFlush();
        Activity load;
        lock (exported) load = Assert.Single(exported, a => a.ParentSpanId == rootId && a.Source.Name == N.SourceName);
        Assert.Equal(N.LoadSpan, load.DisplayName);
        Assert.Equal("cpu", load.GetTagItem(N.Device));
        Assert.Equal("Float32", load.GetTagItem(N.DType));
    }
}
