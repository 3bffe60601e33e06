using Glm4vSK.LocalEngine.Tests.Fixtures;
using static Glm4vSK.LocalEngine.Tests.Caching.CachedRuns;

namespace Glm4vSK.LocalEngine.Tests.Caching;

/// <summary>
/// Prefix reuse and the image-embedding cache change nothing but speed: for every fixture case (each row of a batch
/// as its own request), greedy ids are identical and logits within the case's tolerance with the caches on or off —
/// on a repeated request, on one that continues an earlier conversation, after evictions, and with other pictures
/// under the same text.
/// </summary>
public sealed class CacheExactnessTests
{
    public static TheoryData<string> Cases() => new(ModelCase.DiscoverIds());

    /// <summary>The case's one-row requests, its tolerance and its new-token count; skips unsupported model types.</summary>
    static (List<ModelInputs> Requests, (double, double) Tolerance, int NewTokens, Glm4vConfig Config) Open(ModelCase c)
    {
        if (EngineCache.NotApplicableReason(c.ModelDir) is { } reason) Assert.Skip(reason);
        var config = Glm4vConfig.Load(c.ModelDir);
        using var batch = c.Inputs();
        return (Rows(batch, config), c.Tolerance("greedy_logits", 2e-4, 1e-4), NewTokens(c), config);
    }

    static void DisposeAll(IEnumerable<IDisposable> items)
    {
        foreach (var i in items) i.Dispose();
    }

    [Theory, MemberData(nameof(Cases))]
    public void A_repeated_request_reuses_its_prefix_skips_the_vision_tower_and_gives_the_same_tokens(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (requests, tolerance, k, _) = Open(c);
        try
        {
            using var off = Glm4vEngine.Load(c.ModelDir, Off);
            // Both caches, then each alone: the prefix cache alone must compute a picture cut by the reused prefix.
            foreach (var options in new[] { On(), On(imageBytes: 0), On(prefixBytes: 0) })
            {
                using var on = Glm4vEngine.Load(c.ModelDir, options);
                foreach (var (request, row) in requests.Select((r, i) => (r, i)))
                {
                    on.Caches!.Clear(); // rows of a batch share leading blocks
                    string what = $"{caseId} row {row} (prefix {options.PrefixCacheBytes > 0}, images {options.ImageCacheBytes > 0})";
                    using var expected = Run(off, request, k);
                    using var first = Run(on, request, k);
                    using var second = Run(on, request, k);
                    AssertSame(what + ", first", expected, first, tolerance);
                    AssertSame(what + ", second", expected, second, tolerance);
                    Assert.Equal(0, first.Reused);
                    int reusable = options.PrefixCacheBytes > 0 ? (request.Length - 1) / Block * Block : 0;
                    Assert.Equal(reusable, second.Reused);
                    Assert.Equal(VisionCalls(request, on.Config, from: 0), first.VisionRuns);
                    // Pictures come from the image cache, or lie wholly in the reused prefix; else they are encoded again.
                    Assert.True((options.ImageCacheBytes > 0 ? 0 : VisionCalls(request, on.Config, reusable)) == second.VisionRuns,
                        $"{what}: the vision tower ran {second.VisionRuns} time(s) on the repeated request.");
                }
            }
        }
        finally { DisposeAll(requests); }
    }

    /// <summary>Vision-tower calls a prefill from <paramref name="from"/> makes without an image cache: one for images, one for videos, if any has a placeholder there.</summary>
    static int VisionCalls(ModelInputs one, Glm4vConfig config, int from)
    {
        var kinds = RopeIndex.Classify(one.InputIds, one.AttentionMask, config);
        bool image = false, video = false;
        for (int j = from; j < one.Length; j++)
        {
            image |= kinds[0, j] == TokenKind.Image;
            video |= kinds[0, j] == TokenKind.Video;
        }
        return (image ? 1 : 0) + (video ? 1 : 0);
    }

    [Theory, MemberData(nameof(Cases))]
    public void A_prompt_that_continues_an_earlier_one_reuses_its_prompt_and_answer(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (requests, tolerance, k, config) = Open(c);
        try
        {
            using var off = Glm4vEngine.Load(c.ModelDir, Off);
            using var on = Glm4vEngine.Load(c.ModelDir, On());
            foreach (var (request, row) in requests.Select((r, i) => (r, i)))
            {
                on.Caches!.Clear();
                using var turn1 = Run(on, request, k);
                // Turn 2 = turn 1's prompt + its answer (up to any picture markup the random model emitted) + a new user turn.
                var answer = turn1.Ids.TakeWhile(id => !IsMarkup(id, config)).ToList();
                var text = Enumerable.Range(0, request.Length).Select(j => request.InputIds[0, j]).Where(id => !IsMarkup(id, config)).ToList();
                var user = text.Skip(Math.Max(0, text.Count - 5)).ToList();
                using var next = Extended(request, answer.Concat(user), config);
                using var expected = Run(off, next, k);
                using var actual = Run(on, next, k);
                AssertSame($"{caseId} row {row}, turn 2", expected, actual, tolerance);
                // Stored: every block of prompt + answer whose keys and values exist (the last sampled token has none).
                int stored = request.Length + Math.Min(answer.Count, k - 1);
                Assert.Equal(Math.Min(stored / Block, (next.Length - 1) / Block) * Block, actual.Reused);
                Assert.True(actual.Reused > (request.Length - 1) / Block * Block || stored / Block == request.Length / Block,
                    $"{caseId} row {row}: turn 2 reused {actual.Reused} tokens, not more than turn 1's prompt.");
                Assert.Equal(0, actual.VisionRuns);
            }
        }
        finally { DisposeAll(requests); }
    }

    [Theory, MemberData(nameof(Cases))]
    public void After_evictions_results_are_unchanged_and_the_caches_stay_within_budget(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (requests, tolerance, k, config) = Open(c);
        try
        {
            using var off = Glm4vEngine.Load(c.ModelDir, Off);
            long block = 2L * config.Text.NumHiddenLayers * config.Text.NumKeyValueHeads * Block * config.Text.HeadDim * sizeof(float);
            long picture = requests.SelectMany(r => r.ImageGrids.Concat(r.VideoGrids))
                .Select(g => (long)g.TokenCount(config.Vision.SpatialMergeSize) * config.Text.HiddenSize * sizeof(float)).DefaultIfEmpty(1).Max();
            // Room for three blocks and one picture: every request evicts what the one before it left.
            using var on = Glm4vEngine.Load(c.ModelDir, On(prefixBytes: 3 * block, imageBytes: picture));
            var caches = on.Caches!;
            foreach (var (request, row) in requests.Select((r, i) => (r, i)))
            {
                caches.Clear();
                using var other = OtherPictures(request);
                var firstId = new[] { request.InputIds[0, 0] == 1 ? 2L : 1L };
                using var otherText = Extended(other, [], config);
                otherText.InputIds[0, 0] = firstId[0]; // a different first token: none of its blocks match the request's
                using var expected = Run(off, request, k);
                using var first = Run(on, request, k);
                using var between = Run(on, otherText, k);
                using var again = Run(on, request, k);
                AssertSame($"{caseId} row {row}, first", expected, first, tolerance);
                AssertSame($"{caseId} row {row}, after evictions", expected, again, tolerance);
                Assert.InRange(caches.Prefix!.Bytes, 0, caches.Prefix.BudgetBytes);
                Assert.InRange(caches.Images!.Bytes, 0, caches.Images.BudgetBytes);
                Assert.True(again.Reused < (request.Length - 1) / Block * Block || (request.Length - 1) / Block == 0,
                    $"{caseId} row {row}: reused {again.Reused} tokens although another request's blocks took the budget.");
            }
            if (requests.Any(r => r.Length > 3 * Block)) Assert.True(caches.Prefix!.Evictions > 0, "no prefix block was evicted");
            if (requests.Any(r => r.ImageGrids.Count + r.VideoGrids.Count > 0)) Assert.True(caches.Images!.Evictions > 0, "no picture was evicted");
        }
        finally { DisposeAll(requests); }
    }

    [Theory, MemberData(nameof(Cases))]
    public void A_reused_prefix_that_ends_inside_a_picture_prefills_the_rest_of_its_placeholders(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (requests, tolerance, k, config) = Open(c);
        try
        {
            if (requests.All(r => r.ImageGrids.Count + r.VideoGrids.Count == 0)) Assert.Skip($"{caseId} has no pictures.");
            using var off = Glm4vEngine.Load(c.ModelDir, Off);
            long block = 2L * config.Text.NumHiddenLayers * config.Text.NumKeyValueHeads * Block * config.Text.HeadDim * sizeof(float);
            int cut = 0;
            foreach (var (request, row) in requests.Select((r, i) => (r, i)))
            {
                int first = FirstPicture(request, config);
                int blocks = first / Block + 1;       // the first block boundary after the picture's first placeholder
                var kinds = RopeIndex.Classify(request.InputIds, request.AttentionMask, config);
                if (blocks * Block >= request.Length - 1 || kinds[0, blocks * Block] == TokenKind.Text) continue; // the picture is shorter than that
                cut++;
                // A budget of exactly that many blocks: the cache keeps the prompt's head, cut inside the picture.
                foreach (long imageBytes in new[] { 0L, 256L << 20 })
                {
                    using var on = Glm4vEngine.Load(c.ModelDir, On(prefixBytes: blocks * block, imageBytes: imageBytes));
                    using var expected = Run(off, request, k);
                    using var seen = Run(on, request, k);
                    using var again = Run(on, request, k);
                    AssertSame($"{caseId} row {row}, image cache {imageBytes > 0}", expected, again, tolerance);
                    Assert.Equal(blocks * Block, again.Reused);
                    Assert.Equal(imageBytes > 0 ? 0 : VisionCalls(request, config, blocks * Block), again.VisionRuns);
                }
            }
            if (cut == 0) Assert.Skip($"{caseId}: no picture spans a block boundary.");
        }
        finally { DisposeAll(requests); }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Other_pictures_under_the_same_text_reuse_only_the_text_before_the_first_picture(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (requests, tolerance, k, config) = Open(c);
        try
        {
            if (requests.All(r => r.ImageGrids.Count + r.VideoGrids.Count == 0)) Assert.Skip($"{caseId} has no pictures.");
            using var off = Glm4vEngine.Load(c.ModelDir, Off);
            using var on = Glm4vEngine.Load(c.ModelDir, On());
            foreach (var (request, row) in requests.Select((r, i) => (r, i)))
            {
                if (request.ImageGrids.Count + request.VideoGrids.Count == 0) continue;
                on.Caches!.Clear();
                using var other = OtherPictures(request);
                using var seen = Run(on, request, k);
                using var expected = Run(off, other, k);
                using var actual = Run(on, other, k);
                AssertSame($"{caseId} row {row}, other pictures", expected, actual, tolerance);
                Assert.NotEqual(expected.Logits.data<float>().ToArray(), seen.Logits.data<float>().ToArray());
                int textBlocks = Math.Min(FirstPicture(request, config), request.Length - 1) / Block;
                Assert.Equal(textBlocks * Block, actual.Reused);
                Assert.True(actual.VisionRuns > 0, $"{caseId} row {row}: the vision tower did not run for new pictures.");
            }
        }
        finally { DisposeAll(requests); }
    }
}
