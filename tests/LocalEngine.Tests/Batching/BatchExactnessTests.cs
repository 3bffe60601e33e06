using Glm4vSK.LocalEngine.Generation;
using Glm4vSK.LocalEngine.Tests.Caching;
using Glm4vSK.LocalEngine.Model;
using Glm4vSK.LocalEngine.Tests.Fixtures;
using static Glm4vSK.LocalEngine.Tests.Batching.BatchedRuns;

namespace Glm4vSK.LocalEngine.Tests.Batching;

/// <summary>
/// Continuous batching changes nothing but speed: for every fixture case (each row as its own request, in company of
/// the other cases of its model), a request gives the same greedy ids, logits within the case's tolerance and the
/// same seeded samples in a batch of up to 8 — with requests joining and leaving at different steps, one cancelled, or
/// a failed step — as alone with batching off.
/// </summary>
public sealed class BatchExactnessTests
{
    public static TheoryData<string> Cases() => new(ModelCase.DiscoverIds());

    [Theory, MemberData(nameof(Cases))]
    public async Task Greedy_requests_joining_and_leaving_a_batch_of_eight_match_each_request_alone(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (own, others, tolerance, k) = Open(c);
        var all = own.Concat(others).ToList();
        var runs = new List<StreamRun>();
        try
        {
            // Lengths differ, so requests leave at different steps; 4 start together, 4 join at the second decode step.
            var plan = Enumerable.Range(0, 8).Select(j => (Inputs: all[j % all.Count], NewTokens: k + 2 + j % 3)).ToList();
            using var alone = Glm4vEngine.Load(c.ModelDir, Alone);
            var expected = new List<StreamRun>();
            foreach (var (inputs, n) in plan) expected.Add(await RunAsync(alone, inputs, Greedy(n)));
            runs.AddRange(expected);

            using var batched = Glm4vEngine.Load(c.ModelDir, Batched());
            var scheduler = batched.Scheduler!;
            var steps = new List<int>();
            Task<StreamRun>[] late = [];
            Task<StreamRun> Start(int j) => RunAsync(batched, plan[j].Inputs, Greedy(plan[j].NewTokens));
            scheduler.OnDecodeStep = n =>
            {
                steps.Add(n);
                if (steps.Count == 2) late = Enumerable.Range(4, 4).Select(Start).ToArray(); // joins at the next step
            };
            Task<StreamRun>[] first;
            using (scheduler.Pause()) first = Enumerable.Range(0, 4).Select(Start).ToArray();
            runs.AddRange(await Task.WhenAll(first));
            runs.AddRange(await Task.WhenAll(late));
            var actual = runs.Skip(plan.Count).ToList();
            for (int j = 0; j < plan.Count; j++) AssertSame($"{caseId} request {j}", expected[j], actual[j], tolerance);
            Assert.Equal([4, 4, 8], steps.Take(3));
            Assert.True(steps[^1] < 8, $"{caseId}: every request left at the same step ({string.Join(",", steps)}).");
            Assert.Equal(0, scheduler.ActiveCount);
        }
        finally
        {
            DisposeAll(runs);
            DisposeAll(all);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task A_seeded_sampled_request_draws_the_same_tokens_alone_and_in_company(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (own, others, tolerance, k) = Open(c);
        var company = others.Concat(own).ToList();
        var runs = new List<StreamRun>();
        try
        {
            using var alone = Glm4vEngine.Load(c.ModelDir, Alone);
            using var batched = Glm4vEngine.Load(c.ModelDir, Batched());
            foreach (var (request, row) in own.Select((r, i) => (r, i)))
            {
                var sampled = Seeded(k + 3, 1000 + row);
                var expected = await RunAsync(alone, request, sampled);
                runs.Add(expected);
                Task<StreamRun>[] tasks;
                // In company of a greedy request, a request sampled with another seed, and a longer greedy one.
                using (batched.Scheduler!.Pause())
                    tasks =
                    [
                        RunAsync(batched, company[0], Greedy(k)),
                        RunAsync(batched, request, sampled),
                        RunAsync(batched, company[^1], Seeded(k + 1, 7 + row)),
                        RunAsync(batched, company[0], Greedy(k + 5)),
                    ];
                var actual = await Task.WhenAll(tasks);
                runs.AddRange(actual);
                AssertSame($"{caseId} row {row}, seeded", expected, actual[1], tolerance);
            }
        }
        finally
        {
            DisposeAll(runs);
            DisposeAll(own.Concat(others));
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task Cancelling_one_request_frees_its_cache_and_leaves_the_others_unchanged(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (own, others, tolerance, k) = Open(c);
        var all = own.Concat(others).ToList();
        var runs = new List<StreamRun>();
        try
        {
            var a = all[0];
            var b = all[^1];
            using var alone = Glm4vEngine.Load(c.ModelDir, Alone);
            var expectedA = await RunAsync(alone, a, Greedy(k + 4));
            var expectedB = await RunAsync(alone, b, Greedy(k + 6));
            runs.AddRange([expectedA, expectedB]);

            using var batched = Glm4vEngine.Load(c.ModelDir, Batched());
            var scheduler = batched.Scheduler!;
            using var cts = new CancellationTokenSource();
            // One request cancelled by its caller's token, one dropped as a caller that stops reading would.
            var dropped = scheduler.Submit(b, Greedy(k + 6).Resolve(batched.GenerationConfig, batched.Config));
            KvCache? droppedCache = null;
            int step = 0;
            scheduler.OnDecodeStep = _ =>
            {
                if (++step == 1) droppedCache = dropped.Generator!.Cache;
                if (step == 2) { cts.Cancel(); dropped.Cancel(); }
            };
            Task<StreamRun> ta, tb, tCancelled;
            using (scheduler.Pause())
            {
                ta = RunAsync(batched, a, Greedy(k + 4));
                tCancelled = RunAsync(batched, a, Greedy(k + 6), cancellationToken: cts.Token);
                tb = RunAsync(batched, b, Greedy(k + 6));
            }
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tCancelled);
            var received = new List<GeneratedToken>();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var t in dropped.Tokens.ReadAllAsync()) received.Add(t);
            });
            await dropped.Released;
            Assert.InRange(received.Count, 2, k + 5);
            Assert.Null(dropped.Generator);
            Assert.True(droppedCache!.IsDisposed, "the cancelled request's KV cache was not freed");
            runs.Add(await ta);
            runs.Add(await tb);
            AssertSame($"{caseId} company of a cancelled request (a)", expectedA, runs[^2], tolerance);
            AssertSame($"{caseId} company of a cancelled request (b)", expectedB, runs[^1], tolerance);
            Assert.Equal(0, scheduler.ActiveCount);
        }
        finally
        {
            DisposeAll(runs);
            DisposeAll(all);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task A_failed_step_fails_every_request_in_it_and_the_engine_stays_usable(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (own, others, tolerance, k) = Open(c);
        var all = own.Concat(others).ToList();
        var runs = new List<StreamRun>();
        try
        {
            using var alone = Glm4vEngine.Load(c.ModelDir, Alone);
            runs.Add(await RunAsync(alone, all[0], Greedy(k + 2)));
            using var batched = Glm4vEngine.Load(c.ModelDir, Batched());
            var scheduler = batched.Scheduler!;
            int step = 0;
            scheduler.OnDecodeStep = _ =>
            {
                if (++step == 2) throw new InvalidOperationException("injected step failure");
            };
            Task<StreamRun>[] tasks;
            using (scheduler.Pause())
                tasks = all.Concat(all).Take(3).Select(r => RunAsync(batched, r, Greedy(k + 4))).ToArray();
            foreach (var t in tasks)
                Assert.Equal("injected step failure", (await Assert.ThrowsAsync<InvalidOperationException>(() => t)).Message);
            Assert.Equal(0, scheduler.ActiveCount);
            scheduler.OnDecodeStep = null;
            runs.Add(await RunAsync(batched, all[0], Greedy(k + 2)));
            AssertSame($"{caseId} after a failed step", runs[0], runs[1], tolerance);
        }
        finally
        {
            DisposeAll(runs);
            DisposeAll(all);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task Prompts_prefilled_in_chunks_within_the_step_budget_match_each_request_alone(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (own, others, tolerance, k) = Open(c);
        var all = own.Concat(others).ToList();
        var runs = new List<StreamRun>();
        try
        {
            var plan = new[] { all[0], all[^1], all[0], all[all.Count / 2] };
            using var alone = Glm4vEngine.Load(c.ModelDir, Alone);
            var expected = new List<StreamRun>();
            foreach (var inputs in plan) expected.Add(await RunAsync(alone, inputs, Greedy(k + 3)));
            runs.AddRange(expected);
            // A budget of 3 cuts prompts (and pictures) into many chunks; with the caches on, the second copy of a
            // prompt also restores a prefix first; with them off, a picture cut by a chunk is still encoded once.
            const int budget = 3;
            foreach (var options in new[] { CachedRuns.On() with { MaxBatchSize = 8 }, CachedRuns.Off with { MaxBatchSize = 8 } })
            {
                using var batched = Glm4vEngine.Load(c.ModelDir, options with { MaxPrefillTokensPerStep = budget });
                var scheduler = batched.Scheduler!;
                var steps = new List<int[]>(); // the chunk sizes of each loop iteration
                scheduler.OnPrefillStep = chunks => steps.Add([.. chunks]);
                Task<StreamRun>[] tasks;
                using (scheduler.Pause()) tasks = plan.Select(inputs => RunAsync(batched, inputs, Greedy(k + 3))).ToArray();
                var actual = await Task.WhenAll(tasks);
                runs.AddRange(actual);
                string what = $"{caseId} budget {budget}, caches {(options.PrefixCacheBytes > 0 ? "on" : "off")}";
                for (int j = 0; j < plan.Length; j++) AssertSame($"{what}, request {j}", expected[j], actual[j], tolerance);
                foreach (var chunks in steps) Assert.InRange(chunks.Sum(), 1, budget);
                Assert.True(steps.Count >= plan.Max(p => p.Length) / budget, $"{what}: prompts were not chunked ({steps.Count} prefill steps).");
                Assert.Equal(0, scheduler.ActiveCount);
            }
        }
        finally
        {
            DisposeAll(runs);
            DisposeAll(all);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task Running_sequences_keep_decoding_while_a_long_prompt_is_prefilled_in_chunks(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (own, others, tolerance, k) = Open(c);
        var all = own.Concat(others).ToList();
        var runs = new List<StreamRun>();
        try
        {
            var longest = all.MaxBy(r => r.Length)!;
            int budget = Math.Max(1, longest.Length / 4), chunks = (longest.Length + budget - 1) / budget;
            var (shortOptions, longOptions) = (Greedy(chunks + k + 4), Greedy(k + 2));
            using var alone = Glm4vEngine.Load(c.ModelDir, Alone);
            var expectedShort = await RunAsync(alone, all[0], shortOptions);
            var expectedLong = await RunAsync(alone, longest, longOptions);
            runs.AddRange([expectedShort, expectedLong]);

            using var batched = Glm4vEngine.Load(c.ModelDir, CachedRuns.Off with { MaxBatchSize = 8, MaxPrefillTokensPerStep = budget });
            var scheduler = batched.Scheduler!;
            var events = new List<string>();
            Task<StreamRun>? late = null;
            scheduler.OnPrefillStep = chunks => events.Add($"chunk {chunks.Sum()}");
            scheduler.OnDecodeStep = n =>
            {
                events.Add($"decode {n}");
                if (events.Count(e => e.StartsWith("decode", StringComparison.Ordinal)) == 1) late = RunAsync(batched, longest, longOptions);
            };
            var first = await RunAsync(batched, all[0], shortOptions);
            runs.Add(first);
            runs.Add(await late!);
            AssertSame($"{caseId} running beside a chunked prefill", expectedShort, first, tolerance);
            AssertSame($"{caseId} prefilled in chunks of {budget}", expectedLong, runs[^1], tolerance);
            // After the first decode step: the long prompt's chunks, each followed by a decode step of the short one.
            var after = events.SkipWhile(e => !e.StartsWith("decode", StringComparison.Ordinal)).Skip(1).Take(2 * chunks).ToList();
            var expectedEvents = Enumerable.Range(0, chunks).SelectMany(i => new[]
            {
                $"chunk {Math.Min(budget, longest.Length - i * budget)}",
                i == chunks - 1 ? "decode 2" : "decode 1",
            });
            Assert.Equal(expectedEvents, after);
        }
        finally
        {
            DisposeAll(runs);
            DisposeAll(all);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task A_multi_row_request_runs_alone_between_batch_steps_and_everyone_gets_their_own_result(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var (own, others, tolerance, k) = Open(c);
        var all = own.Concat(others).ToList();
        var runs = new List<StreamRun>();
        using var rows = c.Inputs();
        try
        {
            using var alone = Glm4vEngine.Load(c.ModelDir, Alone);
            var expectedRows = await alone.GenerateAllAsync(rows, Greedy(k));
            var expected = await RunAsync(alone, all[0], Greedy(k + 4));
            runs.Add(expected);
            using var batched = Glm4vEngine.Load(c.ModelDir, Batched());
            Task<StreamRun>[] company;
            Task<IReadOnlyList<int>[]> multi;
            using (batched.Scheduler!.Pause())
            {
                company = [RunAsync(batched, all[0], Greedy(k + 4)), RunAsync(batched, all[0], Greedy(k + 4))];
                multi = batched.GenerateAllAsync(rows, Greedy(k));
            }
            runs.AddRange(await Task.WhenAll(company));
            var actualRows = await multi;
            for (int r = 0; r < rows.BatchSize; r++)
                Assert.Equal(expectedRows[r], actualRows[r]);
            foreach (var run in runs.Skip(1)) AssertSame($"{caseId} beside a {rows.BatchSize}-row request", expected, run, tolerance);
        }
        finally
        {
            DisposeAll(runs);
            DisposeAll(all);
        }
    }
}
