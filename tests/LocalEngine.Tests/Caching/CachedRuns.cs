using Glm4vSK.LocalEngine.Caching;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Caching;

/// <summary>One greedy generation's ids, logits [steps, V], reused prompt tokens and vision-tower calls.</summary>
internal sealed record CachedRun(long[] Ids, Tensor Logits, int Reused, long VisionRuns) : IDisposable
{
    public void Dispose() => Logits.Dispose();
}

/// <summary>Engines with and without caches, one-row requests, and the comparisons the cache tests share.</summary>
internal static class CachedRuns
{
    /// <summary>Small blocks, so that the fixtures' short prompts span several.</summary>
    public const int Block = 4;

    public static EngineOptions Off => new() { DType = ScalarType.Float32, PrefixCacheBytes = 0, ImageCacheBytes = 0 };

    public static EngineOptions On(long prefixBytes = 1L << 30, long imageBytes = 256L << 20) =>
        new() { DType = ScalarType.Float32, PrefixCacheBytes = prefixBytes, ImageCacheBytes = imageBytes, PrefixBlockTokens = Block };

    /// <summary>Greedy decoding of a one-row request through the engine's caches (when it has them).</summary>
    public static CachedRun Run(Glm4vEngine e, ModelInputs inputs, int newTokens)
    {
        long vision = e.Model.Visual.Runs;
        var steps = new List<Tensor>();
        var ids = new List<long>();
        int reused;
        using (var g = e.CreateGenerator(inputs, new SamplingOptions { MaxNewTokens = newTokens, DoSample = false, IgnoreEos = true }, useCaches: true))
        {
            g.OnLogits = l => steps.Add(l.clone().DetachFromDisposeScope());
            while (!g.Done)
                foreach (var t in g.Step())
                {
                    Assert.Equal(g.ReusedPromptTokens, t.CachedPromptTokens);
                    ids.Add(t.TokenId);
                }
            reused = g.ReusedPromptTokens;
        }
        var logits = cat(steps, 0);
        foreach (var s in steps) s.Dispose();
        return new CachedRun(ids.ToArray(), logits, reused, e.Model.Visual.Runs - vision);
    }

    /// <summary>Greedy ids exact, logits within the case's tolerance.</summary>
    public static void AssertSame(string what, CachedRun expected, CachedRun actual, (double Atol, double Rtol) tolerance)
    {
        TensorAssert.Equal($"{what}: greedy ids", expected.Ids, actual.Ids);
        TensorAssert.Close($"{what}: logits", actual.Logits, expected.Logits, tolerance.Atol, tolerance.Rtol);
    }

    /// <summary>Each row of a (left-padded) batch as its own request, with its own pictures.</summary>
    public static List<ModelInputs> Rows(ModelInputs batch, Glm4vConfig config)
    {
        var r = RopeIndex.Compute(batch.InputIds, batch.AttentionMask, batch.ImageGrids, batch.VideoGrids, config);
        var (images, videos) = MediaItem.Of(batch, r.Kinds, config.Vision.SpatialMergeSize);
        var rows = new List<ModelInputs>();
        for (int row = 0; row < batch.BatchSize; row++)
        {
            var ids = new List<int>();
            for (int j = 0; j < batch.Length; j++) if (batch.AttentionMask[row, j] != 0) ids.Add((int)batch.InputIds[row, j]);
            var (pixels, grids) = Pictures(batch.PixelValues, images.Where(m => m.Row == row).ToList());
            var (videoPixels, videoGrids) = Pictures(batch.PixelValuesVideos, videos.Where(m => m.Row == row).ToList());
            rows.Add(ModelInputs.FromTokens([ids], config.PadTokenId ?? 0, pixels, grids, videoPixels, videoGrids));
        }
        return rows;
    }

    static (Tensor? Pixels, List<GridThw> Grids) Pictures(Tensor? all, List<MediaItem> items) =>
        items.Count == 0 || all is null
            ? (null, [])
            : (cat(items.Select(m => all.narrow(0, m.PixelOffset, m.PixelRows)).ToList(), 0), items.Select(m => m.Grid).ToList());

    /// <summary>The same request with different pictures of the same grids (every pixel shifted).</summary>
    public static ModelInputs OtherPictures(ModelInputs one) =>
        new((long[,])one.InputIds.Clone(), (long[,])one.AttentionMask.Clone(),
            one.PixelValues is null ? null : one.PixelValues + 0.25f, one.ImageGrids,
            one.PixelValuesVideos is null ? null : one.PixelValuesVideos + 0.25f, one.VideoGrids);

    /// <summary>The request's ids followed by <paramref name="more"/> (its pictures copied).</summary>
    public static ModelInputs Extended(ModelInputs one, IEnumerable<long> more, Glm4vConfig config)
    {
        var ids = Enumerable.Range(0, one.Length).Select(j => (int)one.InputIds[0, j]).Concat(more.Select(i => (int)i)).ToList();
        return ModelInputs.FromTokens([ids], config.PadTokenId ?? 0, one.PixelValues?.clone(), one.ImageGrids, one.PixelValuesVideos?.clone(), one.VideoGrids);
    }

    /// <summary>Whether a prompt would read <paramref name="id"/> as picture markup (it must stay out of appended text).</summary>
    public static bool IsMarkup(long id, Glm4vConfig c) =>
        id == c.ImageTokenId || id == c.VideoStartTokenId || id == c.VideoEndTokenId || id == c.ImageStartTokenId || id == c.ImageEndTokenId
        || id == c.VideoTokenId;

    /// <summary>Position of the first placeholder of any picture (the prompt length if it has none).</summary>
    public static int FirstPicture(ModelInputs one, Glm4vConfig config)
    {
        var kinds = RopeIndex.Classify(one.InputIds, one.AttentionMask, config);
        for (int j = 0; j < one.Length; j++) if (kinds[0, j] != TokenKind.Text) return j;
        return one.Length;
    }

    /// <summary>New tokens a case's reference decodes (the fixture's count, else 8).</summary>
    public static int NewTokens(Fixtures.ModelCase c) => c.Json["max_new_tokens"]?.GetValue<int>() ?? 8;
}
