using Glm4vSK.LocalEngine.Tests.Caching;
using Glm4vSK.LocalEngine.Tests.Fixtures;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Batching;

/// <summary>One request's streamed ids and the logits [steps, V] they were drawn from.</summary>
internal sealed record StreamRun(long[] Ids, Tensor Logits) : IDisposable
{
    public void Dispose() => Logits.Dispose();
}

/// <summary>Engines with batching on and off, streamed runs through the engine, and the comparisons the batching tests share.</summary>
internal static class BatchedRuns
{
    /// <summary>Batching off, caches off: the reference every batched run is compared with.</summary>
    public static EngineOptions Alone => CachedRuns.Off with { MaxBatchSize = 1 };

    /// <summary>Batching on (8), with the caches on: sequences of one batch also share prefixes.</summary>
    public static EngineOptions Batched(int prefillBudget = 1 << 20) => CachedRuns.On() with { MaxBatchSize = 8, MaxPrefillTokensPerStep = prefillBudget };

    public static SamplingOptions Greedy(int newTokens) => new() { MaxNewTokens = newTokens, DoSample = false, IgnoreEos = true };

    public static SamplingOptions Seeded(int newTokens, long seed) =>
        new() { MaxNewTokens = newTokens, DoSample = true, Seed = seed, Temperature = 1f, TopK = 0, TopP = 1f, IgnoreEos = true };

    /// <summary>Streams one request through <see cref="Glm4vEngine.GenerateAsync(ModelInputs, SamplingOptions?, CancellationToken)"/>; <paramref name="afterToken"/> sees the count so far.</summary>
    public static async Task<StreamRun> RunAsync(Glm4vEngine e, ModelInputs inputs, SamplingOptions options,
        Action<int>? afterToken = null, CancellationToken cancellationToken = default)
    {
        var steps = new List<Tensor>();
        var ids = new List<long>();
        try
        {
            await foreach (var t in e.GenerateAsync(inputs, options, l => { lock (steps) steps.Add(l.clone().DetachFromDisposeScope()); }, cancellationToken))
            {
                ids.Add(t.TokenId);
                afterToken?.Invoke(ids.Count);
            }
            lock (steps) return new StreamRun(ids.ToArray(), cat(steps, 0));
        }
        finally
        {
            lock (steps) foreach (var s in steps) s.Dispose();
        }
    }

    /// <summary>Ids exact, logits within the case's tolerance.</summary>
    public static void AssertSame(string what, StreamRun expected, StreamRun actual, (double Atol, double Rtol) tolerance)
    {
        TensorAssert.Equal($"{what}: ids", expected.Ids, actual.Ids);
        TensorAssert.Close($"{what}: logits", actual.Logits, expected.Logits, tolerance.Atol, tolerance.Rtol);
    }

    /// <summary>
    /// The one-row requests of every fixture case of <paramref name="c"/>'s model, this case's rows first (so that a
    /// batch mixes this case with the others); skips unsupported model types.
    /// </summary>
    public static (List<ModelInputs> Own, List<ModelInputs> Others, (double, double) Tolerance, int NewTokens) Open(ModelCase c)
    {
        if (EngineCache.NotApplicableReason(c.ModelDir) is { } reason) Assert.Skip(reason);
        var config = Glm4vConfig.Load(c.ModelDir);
        List<ModelInputs> RowsOf(ModelCase m)
        {
            using var batch = m.Inputs();
            return CachedRuns.Rows(batch, config);
        }
        var own = RowsOf(c);
        var others = new List<ModelInputs>();
        foreach (var id in ModelCase.DiscoverIds().Where(id => id != c.Id))
        {
            using var other = ModelCase.Open(id);
            if (other.ModelDir == c.ModelDir) others.AddRange(RowsOf(other));
        }
        return (own, others, c.Tolerance("greedy_logits", 2e-4, 1e-4), Math.Max(CachedRuns.NewTokens(c), 2));
    }

    public static void DisposeAll(IEnumerable<IDisposable> items)
    {
        foreach (var i in items) i.Dispose();
    }
}
