using System.Diagnostics;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>Generation on random models with configs unlike the fixtures: cache consistency, sampling, stops, limits, cancellation, memory.</summary>
public sealed class GenerationTests
{
    public static TheoryData<string> ConfigNames() => new(RandomModels.Configs.Keys);

    static Glm4vEngine Engine(string name) => EngineCache.Get(RandomModels.Dir(name, RandomModels.Configs[name]), ScalarType.Float32);

    /// <summary>Two left-padded rows, the first with an image, the second text only.</summary>
    internal static ModelInputs ImageAndTextBatch(Glm4vEngine e, int seed = 7, GridThw? grid = null)
    {
        var c = e.Config;
        var g = grid ?? new GridThw(1, 4, 6);
        var rng = new Random(seed);
        int Text() => rng.Next(0, c.Text.VocabSize - 12);
        var row0 = new List<int> { Text(), Text(), c.ImageStartTokenId };
        row0.AddRange(Enumerable.Repeat(c.ImageTokenId, g.TokenCount(c.Vision.SpatialMergeSize)));
        row0.AddRange([c.ImageEndTokenId, Text(), Text(), Text()]);
        var row1 = Enumerable.Range(0, 9).Select(_ => Text()).ToList();
        using var gen = new TorchSharp.torch.Generator((ulong)seed);
        var pixels = randn([g.PatchCount, e.Config.Vision.PatchRowSize], generator: gen);
        return ModelInputs.FromTokens([row0, row1], c.PadTokenId ?? 0, pixels, [g]);
    }

    [Theory]
    [InlineData("RepetitionPenalty")]   // NaN reached libtorch's scatter and came back as a native ExternalException
    [InlineData("Temperature")]         // NaN silently became greedy decoding
    [InlineData("TopP")]                // NaN was accepted
    public async Task A_NaN_sampling_value_is_a_typed_error_and_the_engine_stays_usable(string field)
    {
        var e = Engine("l1-h64-mrope211");
        using var inputs = ImageAndTextBatch(e);
        var bad = field switch
        {
            "RepetitionPenalty" => new SamplingOptions { MaxNewTokens = 2, DoSample = true, RepetitionPenalty = float.NaN },
            "Temperature" => new SamplingOptions { MaxNewTokens = 2, DoSample = true, Temperature = float.NaN },
            _ => new SamplingOptions { MaxNewTokens = 2, DoSample = true, TopP = float.NaN },
        };
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => e.GenerateAllAsync(inputs, bad));
        Assert.Equal(field, error.ParamName);
        var rows = await e.GenerateAllAsync(inputs, new SamplingOptions { MaxNewTokens = 2, IgnoreEos = true });
        Assert.All(rows, r => Assert.Equal(2, r.Count));
    }

    [Theory, MemberData(nameof(ConfigNames))]
    public void Cached_decode_equals_a_full_forward_over_the_generated_sequence(string config)
    {
        var e = Engine(config);
        using var inputs = ImageAndTextBatch(e);
        var stepLogits = new List<Tensor>();
        var generated = new List<int>[inputs.BatchSize];
        for (int i = 0; i < generated.Length; i++) generated[i] = [];
        using (var g = e.CreateGenerator(inputs, new SamplingOptions { MaxNewTokens = 6, DoSample = false, IgnoreEos = true }))
        {
            g.OnLogits = l => stepLogits.Add(l.clone().DetachFromDisposeScope());
            while (!g.Done) foreach (var t in g.Step()) generated[t.Sequence].Add(t.TokenId);
        }
        // Append the generated tokens and run the whole sequence without a cache.
        int l0 = inputs.Length, k = generated[0].Count;
        var ids = new long[inputs.BatchSize, l0 + k];
        var mask = new long[inputs.BatchSize, l0 + k];
        for (int i = 0; i < inputs.BatchSize; i++)
            for (int j = 0; j < l0 + k; j++)
            {
                ids[i, j] = j < l0 ? inputs.InputIds[i, j] : generated[i][j - l0];
                mask[i, j] = j < l0 ? inputs.AttentionMask[i, j] : 1;
            }
        using var extended = new ModelInputs(ids, mask, inputs.PixelValues!.clone(), inputs.ImageGrids);
        using var scope = NewDisposeScope();
        var full = ModelFixtureTests.FullForward(e, extended);
        for (int n = 0; n < k; n++)
            TensorAssert.Close($"{config}: step {n} logits vs full forward", stepLogits[n], full.select(1, l0 - 1 + n), 1e-4, 1e-4);
        foreach (var t in stepLogits) t.Dispose();
    }

    [Fact]
    public async Task Same_seed_gives_the_same_tokens_and_greedy_is_deterministic()
    {
        var e = Engine("l1-h64-mrope211");
        var sample = new SamplingOptions { MaxNewTokens = 12, DoSample = true, Temperature = 1.5f, TopP = 0.95f, Seed = 42, IgnoreEos = true };
        using var a = ImageAndTextBatch(e);
        var first = await e.GenerateAllAsync(a, sample);
        var again = await e.GenerateAllAsync(a, sample);
        var other = await e.GenerateAllAsync(a, sample with { Seed = 43 });
        Assert.Equal(first[0], again[0]);
        Assert.Equal(first[1], again[1]);
        Assert.NotEqual(first[0].Concat(first[1]), other[0].Concat(other[1]));
        var greedy = await e.GenerateAllAsync(a, new SamplingOptions { MaxNewTokens = 12, DoSample = false, IgnoreEos = true });
        var topK1 = await e.GenerateAllAsync(a, sample with { TopK = 1, TopP = 1f, Seed = 5 });
        var zeroTemperature = await e.GenerateAllAsync(a, sample with { Temperature = 0f });
        Assert.Equal(greedy[0], topK1[0]);
        Assert.Equal(greedy[1], topK1[1]);
        Assert.Equal(greedy[0], zeroTemperature[0]);
    }

    [Fact]
    public async Task Stop_tokens_end_a_sequence_and_are_reported()
    {
        var e = Engine("l1-h64-mrope211");
        using var inputs = ImageAndTextBatch(e);
        var free = new List<GeneratedToken>();
        await foreach (var t in e.GenerateAsync(inputs, new SamplingOptions { MaxNewTokens = 5, DoSample = false, IgnoreEos = true }))
            free.Add(t);
        Assert.Equal(10, free.Count);
        Assert.All(free.Where(t => t.Index == 4), t => Assert.Equal(GenerationFinishReason.Length, t.FinishReason));
        Assert.All(free.Where(t => t.Index < 4), t => Assert.Null(t.FinishReason));

        int stopId = free.First(t => t.Sequence == 0 && t.Index == 2).TokenId;
        var firstIndexOfStop = free.Where(t => t.Sequence == 0 && t.TokenId == stopId).Min(t => t.Index);
        var stopped = new List<GeneratedToken>();
        await foreach (var t in e.GenerateAsync(inputs, new SamplingOptions { MaxNewTokens = 5, DoSample = false, StopTokenIds = [stopId] }))
            stopped.Add(t);
        var row0 = stopped.Where(t => t.Sequence == 0).ToList();
        Assert.Equal(firstIndexOfStop + 1, row0.Count);
        Assert.True(row0[^1].IsStopToken);
        Assert.Equal(GenerationFinishReason.Stop, row0[^1].FinishReason);
        Assert.Equal(free.Where(t => t.Sequence == 0).Take(row0.Count).Select(t => t.TokenId), row0.Select(t => t.TokenId));
    }

    [Fact]
    public async Task Prompts_longer_than_the_context_fail_with_a_typed_error_and_output_is_capped_by_it()
    {
        string dir = RandomModels.Dir("l1-h64-mrope211", RandomModels.Configs["l1-h64-mrope211"]);
        using var inputs = ModelInputs.FromTokens([Enumerable.Range(1, 20).ToList()], 0);
        using (var tight = Glm4vEngine.Load(dir, new EngineOptions { MaxContextTokens = 20 }))
        {
            var ex = await Assert.ThrowsAsync<ContextLengthExceededException>(async () =>
            {
                await foreach (var _ in tight.GenerateAsync(inputs, new SamplingOptions { MaxNewTokens = 4 })) { }
            });
            Assert.Equal(20, ex.PromptTokens);
            Assert.Equal(20, ex.ContextTokens);
            Assert.Contains("context window", ex.Message);
        }
        using var roomy = Glm4vEngine.Load(dir, new EngineOptions { MaxContextTokens = 23 });
        var tokens = new List<GeneratedToken>();
        await foreach (var t in roomy.GenerateAsync(inputs, new SamplingOptions { MaxNewTokens = 50, DoSample = false, IgnoreEos = true })) tokens.Add(t);
        Assert.Equal(3, tokens.Count);
        Assert.Equal(GenerationFinishReason.Length, tokens[^1].FinishReason);
    }

    [Fact]
    public async Task Bad_inputs_are_typed_errors()
    {
        var e = Engine("l1-h64-mrope211");
        var c = e.Config;
        async Task Run(ModelInputs i) { await foreach (var _ in e.GenerateAsync(i, new SamplingOptions { MaxNewTokens = 1 })) { } }
        using (var outOfVocab = ModelInputs.FromTokens([[1, 2, c.Text.VocabSize + 5]], 0))
            Assert.Contains("outside the vocabulary", (await Assert.ThrowsAsync<InvalidModelInputException>(() => Run(outOfVocab))).Message);
        // Placeholders for a 4x6 grid but pixels for 4x4.
        var ids = new List<int> { 1, c.ImageStartTokenId };
        ids.AddRange(Enumerable.Repeat(c.ImageTokenId, 6));
        ids.Add(c.ImageEndTokenId);
        using (var mismatch = ModelInputs.FromTokens([ids], 0, randn(16, c.Vision.PatchRowSize), [new GridThw(1, 4, 4)]))
            await Assert.ThrowsAsync<InvalidModelInputException>(() => Run(mismatch));
        using (var noGrid = ModelInputs.FromTokens([ids], 0))
            await Assert.ThrowsAsync<InvalidModelInputException>(() => Run(noGrid));
        Assert.Throws<InvalidModelInputException>(() => new ModelInputs(new long[1, 0]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
        {
            using var i = ModelInputs.FromTokens([[1, 2]], 0);
            await foreach (var _ in e.GenerateAsync(i, new SamplingOptions { TopP = 0f })) { }
        });
    }

    [Fact]
    public async Task Cancellation_mid_stream_stops_at_once_and_the_engine_stays_usable()
    {
        var e = Engine("l3-h96-gqa3-theta5e5");
        using var inputs = ImageAndTextBatch(e);
        using var cts = new CancellationTokenSource();
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var t in e.GenerateAsync(inputs, new SamplingOptions { MaxNewTokens = 200, DoSample = false, IgnoreEos = true }, cts.Token))
            {
                if (++seen == 4) cts.Cancel();
            }
        });
        Assert.InRange(seen, 4, 5); // the batch's second row of the same step may still arrive
        // The queue gate was released: another request runs to completion.
        var after = await e.GenerateAllAsync(inputs, new SamplingOptions { MaxNewTokens = 3, DoSample = false, IgnoreEos = true });
        Assert.Equal(3, after[0].Count);
    }

    [Fact]
    public async Task Concurrent_requests_are_queued_and_give_the_same_results_as_sequential_ones()
    {
        var e = Engine("l2-vision3-flat");
        var options = new SamplingOptions { MaxNewTokens = 6, DoSample = false, IgnoreEos = true };
        using var inputs = ImageAndTextBatch(e, seed: 11);
        var sequential = await e.GenerateAllAsync(inputs, options);
        var parallel = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => e.GenerateAllAsync(inputs, options))));
        foreach (var p in parallel)
        {
            Assert.Equal(sequential[0], p[0]);
            Assert.Equal(sequential[1], p[1]);
        }
    }

    [Fact]
    public void Every_tensor_of_a_generation_is_released()
    {
        // Steps run on this thread, so TorchSharp's per-thread live count sees every tensor they create.
        var e = Engine("l2-h128-mrope2-legacy");
        using var inputs = ImageAndTextBatch(e, grid: new GridThw(1, 6, 4));
        var options = new SamplingOptions { MaxNewTokens = 8, DoSample = true, Temperature = 0.9f, TopK = 20, TopP = 0.9f, RepetitionPenalty = 1.2f, Seed = 1, IgnoreEos = true };
        void OneGeneration()
        {
            using var g = e.CreateGenerator(inputs, options);
            while (!g.Done) g.Step();
        }
        OneGeneration();
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++) OneGeneration();
        long after = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.Equal(before, after);
    }


    [Fact]
    public async Task A_thinking_budget_forces_the_end_of_reasoning_once()
    {
        var e = Engine("l1-h64-mrope211");
        using var inputs = ImageAndTextBatch(e);
        int thinkEnd = e.Config.Text.VocabSize - 20;   // any id stands for </think> here
        var free = await e.GenerateAllAsync(inputs, new SamplingOptions { MaxNewTokens = 8, DoSample = false, IgnoreEos = true });
        var budgeted = await e.GenerateAllAsync(inputs, new SamplingOptions { MaxNewTokens = 8, DoSample = false, IgnoreEos = true, ThinkingBudget = 3, ThinkEndTokenId = thinkEnd });
        for (int row = 0; row < 2; row++)
        {
            int firstEnd = free[row].ToList().IndexOf(thinkEnd);
            if (firstEnd is >= 0 and < 3) { Assert.Equal(free[row], budgeted[row]); continue; }
            Assert.Equal(free[row].Take(3), budgeted[row].Take(3));
            Assert.Equal(thinkEnd, budgeted[row][3]);
        }
        Assert.Throws<ArgumentException>(() => new SamplingOptions { ThinkingBudget = 3 }.Resolve(e.GenerationConfig, e.Config));
    }
}
