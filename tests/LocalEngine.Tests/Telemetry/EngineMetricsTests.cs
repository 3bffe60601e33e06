using Glm4vSK.LocalEngine.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static Glm4vSK.LocalEngine.Tests.Telemetry.TelemetryRig;
using N = Glm4vSK.LocalEngine.Telemetry.EngineTelemetryNames;

namespace Glm4vSK.LocalEngine.Tests.Telemetry;

/// <summary>The engine's instruments fire once per request (or step, or lookup) with values that fit together.</summary>
public sealed class EngineMetricsTests
{
    [Theory]
    [InlineData(1)] // one request at a time, on the caller's side
    [InlineData(8)] // through the batch loop's thread
    public async Task One_chat_request_records_its_GenAI_metrics_with_plausible_values(int maxBatchSize)
    {
        using var rig = new TelemetryRig();
        var ttft = rig.Collect<double>(N.TimeToFirstToken);
        var tpot = rig.Collect<double>(N.TimePerOutputToken);
        var duration = rig.Collect<double>(N.RequestDuration);
        var usage = rig.Collect<long>(N.TokenUsage);
        var queue = rig.Collect<double>(N.QueueWait);
        var vision = rig.Collect<double>(N.VisionDuration);
        var prefill = rig.Collect<double>(N.PrefillDuration);
        var prefillTokens = rig.Collect<long>(N.PrefillTokens);
        var decodeRate = rig.Collect<double>(N.DecodeThroughput);
        var batch = rig.Collect<int>(N.BatchSize);
        var active = rig.Collect<long>(N.ActiveRequests);
        using var engine = Glm4vEngine.Load(ModelDir.Value, rig.Options(maxBatchSize));

        const int newTokens = 5;
        var (promptTokens, tokens) = await ChatAsync(engine, [UserWithImage("What is in this image?")], newTokens);
        Assert.Equal(newTokens, tokens.Count);

        var first = Assert.Single(ttft.GetMeasurementSnapshot());
        var total = Assert.Single(duration.GetMeasurementSnapshot());
        var perToken = Assert.Single(tpot.GetMeasurementSnapshot());
        Assert.True(first.Value > 0 && first.Value <= total.Value, $"time to first token {first.Value} s, request {total.Value} s");
        // First token, then one decode step per further token, all within the request.
        Assert.True(perToken.Value > 0 && first.Value + perToken.Value * (newTokens - 1) <= total.Value * (1 + 1e-9),
            $"first token {first.Value} s + {newTokens - 1} × {perToken.Value} s exceeds the request's {total.Value} s");
        Assert.False(total.Tags.ContainsKey(N.ErrorType));

        Assert.Equal([promptTokens], usage.GetMeasurementSnapshot().Where(m => Equals(m.Tags[N.TokenType], "input")).Select(m => m.Value));
        Assert.Equal([tokens.Count], usage.GetMeasurementSnapshot().Where(m => Equals(m.Tags[N.TokenType], "output")).Select(m => (int)m.Value));
        Assert.Equal(promptTokens, Assert.Single(prefillTokens.GetMeasurementSnapshot()).Value); // caches off: every prompt token prefilled
        Assert.True(Assert.Single(queue.GetMeasurementSnapshot()).Value <= first.Value);
        Assert.True(Assert.Single(vision.GetMeasurementSnapshot()).Value <= Assert.Single(prefill.GetMeasurementSnapshot()).Value);
        Assert.True(Assert.Single(decodeRate.GetMeasurementSnapshot()).Value > 0);
        Assert.Equal(Enumerable.Repeat(1, newTokens - 1), batch.GetMeasurementSnapshot().Select(m => m.Value)); // one sequence per decode step
        Assert.Equal([1L, -1L], active.GetMeasurementSnapshot().Select(m => m.Value));

        // Every measurement carries the GenAI attributes: operation, provider and model (the directory's name).
        string model = Path.GetFileName(ModelDir.Value);
        foreach (var m in new[] { first, total, perToken })
        {
            Assert.Equal(N.ChatOperation, m.Tags[N.OperationName]);
            Assert.Equal(N.ProviderName, m.Tags[N.ProviderNameAttribute]);
            Assert.Equal(model, m.Tags[N.RequestModel]);
            Assert.Equal(model, m.Tags[N.ResponseModel]);
        }
    }

    [Fact]
    public async Task A_prompt_prefilled_in_chunks_is_one_prefill_with_one_vision_run()
    {
        using var rig = new TelemetryRig();
        var prefill = rig.Collect<double>(N.PrefillDuration);
        var prefillTokens = rig.Collect<long>(N.PrefillTokens);
        var vision = rig.Collect<double>(N.VisionDuration);
        var ttft = rig.Collect<double>(N.TimeToFirstToken);
        using var engine = Glm4vEngine.Load(ModelDir.Value, rig.Options() with { MaxPrefillTokensPerStep = 4 });
        var chunks = new List<int>();
        engine.Scheduler!.OnPrefillStep = c => { lock (chunks) chunks.AddRange(c); };

        var (promptTokens, _) = await ChatAsync(engine, [UserWithImage("What is in this image?")], 3);

        Assert.True(chunks.Count > 1, $"the prompt of {promptTokens} tokens was prefilled in {chunks.Count} chunk(s)");
        Assert.Single(prefill.GetMeasurementSnapshot());
        Assert.Equal(promptTokens, Assert.Single(prefillTokens.GetMeasurementSnapshot()).Value);
        Assert.Single(vision.GetMeasurementSnapshot()); // the picture is encoded once, by the chunk that first reaches it
        Assert.True(Assert.Single(prefill.GetMeasurementSnapshot()).Value <= Assert.Single(ttft.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task Concurrent_requests_are_decoded_together_and_the_batch_size_shows_it()
    {
        using var rig = new TelemetryRig();
        var batch = rig.Collect<int>(N.BatchSize);
        var queue = rig.Collect<double>(N.QueueWait);
        var ttft = rig.Collect<double>(N.TimeToFirstToken);
        var usage = rig.Collect<long>(N.TokenUsage);
        using var engine = Glm4vEngine.Load(ModelDir.Value, rig.Options(maxBatchSize: 8));
        using var a = await engine.Processor.PrepareAsync([new ChatMessage(ChatRole.User, "first question")]);
        using var b = await engine.Processor.PrepareAsync([new ChatMessage(ChatRole.User, "a second, longer question")]);
        using var c = await engine.Processor.PrepareAsync([UserWithImage("third")]);

        Task<List<GeneratedToken>>[] runs;
        using (engine.Scheduler!.Pause()) // all three are waiting when the loop next runs
            runs = [Collect(engine, a.Inputs, 4), Collect(engine, b.Inputs, 6), Collect(engine, c.Inputs, 5)];
        var results = await Task.WhenAll(runs);

        var sizes = batch.GetMeasurementSnapshot().Select(m => m.Value).ToList();
        Assert.Equal(3, sizes.Max());
        Assert.All(sizes, s => Assert.InRange(s, 1, 3));
        Assert.Equal(results.Sum(r => r.Count) - results.Length, sizes.Sum()); // each decode step draws one token per sequence
        Assert.Equal(3, queue.GetMeasurementSnapshot().Count);
        Assert.Equal(3, ttft.GetMeasurementSnapshot().Count);
        Assert.Equal(results.Select(r => (long)r.Count).Order(), usage.GetMeasurementSnapshot().Where(m => Equals(m.Tags[N.TokenType], "output")).Select(m => m.Value).Order());
    }

    static async Task<List<GeneratedToken>> Collect(Glm4vEngine engine, ModelInputs inputs, int newTokens)
    {
        var list = new List<GeneratedToken>();
        await foreach (var t in engine.GenerateAsync(inputs, Greedy(newTokens))) list.Add(t);
        return list;
    }

    [Fact]
    public async Task Turn_2_of_a_chat_about_the_same_image_is_a_prefix_cache_hit()
    {
        using var rig = new TelemetryRig();
        var lookups = rig.Collect<long>(N.PrefixCacheLookups);
        var reused = rig.Collect<long>(N.PrefixCacheReusedTokens);
        var bytes = rig.Collect<long>(N.PrefixCacheBytes);
        var prefillTokens = rig.Collect<long>(N.PrefillTokens);
        using var engine = Glm4vEngine.Load(ModelDir.Value, rig.Options() with { PrefixCacheBytes = 64L << 20, PrefixBlockTokens = 4 });

        var turn1 = new List<ChatMessage> { UserWithImage("What is in this image?") };
        var (_, answer) = await ChatAsync(engine, turn1, 4);
        lookups.RecordObservableInstruments();
        Assert.Equal(0, Result(lookups, "hit"));
        Assert.Equal(1, Result(lookups, "miss"));
        bytes.RecordObservableInstruments();
        Assert.True(bytes.LastMeasurement!.Value > 0);

        // The random model's answer is noise: the conversation goes on with a plain one.
        Assert.NotEmpty(answer);
        var turn2 = new List<ChatMessage>(turn1) { new(ChatRole.Assistant, "A colour gradient."), new(ChatRole.User, "And its colours?") };
        var (prompt2, _) = await ChatAsync(engine, turn2, 4);
        lookups.RecordObservableInstruments();
        reused.RecordObservableInstruments();
        Assert.Equal(1, Result(lookups, "hit"));
        long restored = reused.LastMeasurement!.Value;
        Assert.True(restored > 0);
        Assert.Equal(prompt2 - restored, prefillTokens.GetMeasurementSnapshot()[^1].Value); // only what was not restored is prefilled
    }

    [Fact]
    public async Task Turn_2_about_the_same_image_without_the_prefix_cache_is_an_image_cache_hit()
    {
        using var rig = new TelemetryRig();
        var lookups = rig.Collect<long>(N.ImageCacheLookups);
        var bytes = rig.Collect<long>(N.ImageCacheBytes);
        using var engine = Glm4vEngine.Load(ModelDir.Value, rig.Options() with { ImageCacheBytes = 64L << 20 });

        await ChatAsync(engine, [UserWithImage("What is in this image?")], 3);
        lookups.RecordObservableInstruments();
        Assert.Equal((0, 1), (Result(lookups, "hit"), Result(lookups, "miss")));
        await ChatAsync(engine, [UserWithImage("Describe the picture.")], 3);
        lookups.RecordObservableInstruments();
        bytes.RecordObservableInstruments();
        Assert.Equal((1, 1), (Result(lookups, "hit"), Result(lookups, "miss")));
        Assert.True(bytes.LastMeasurement!.Value > 0);
    }

    /// <summary>The latest observed value of a lookup counter for one result.</summary>
    static long Result(MetricCollector<long> lookups, string result) =>
        lookups.GetMeasurementSnapshot().Last(m => Equals(m.Tags[N.CacheResult], result)).Value;

    [Fact]
    public async Task A_failed_request_records_its_error_type_and_no_time_to_first_token()
    {
        using var rig = new TelemetryRig();
        var duration = rig.Collect<double>(N.RequestDuration);
        var ttft = rig.Collect<double>(N.TimeToFirstToken);
        using var engine = Glm4vEngine.Load(ModelDir.Value, rig.Options());
        using var outside = ModelInputs.FromTokens([[1, 2, engine.Config.Text.VocabSize + 5]], 0);

        await Assert.ThrowsAsync<InvalidModelInputException>(async () =>
        {
            await foreach (var _ in engine.GenerateAsync(outside, Greedy(3))) { }
        });
        var m = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.Equal(typeof(InvalidModelInputException).FullName, m.Tags[N.ErrorType]);
        Assert.Empty(ttft.GetMeasurementSnapshot());
    }
}
