using Glm4vSK.LocalEngine.Tests.Fixtures;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// One theory row per fixture case under $GLM4V_FIXTURES/models (README "How tests must use these fixtures"). Which
/// comparisons run is decided by the tensors the case holds. Model types the fixture declares but the engine does not
/// support are skipped with the reason; a supported one that fails to load fails (<see cref="EngineCache.Get"/>).
/// </summary>
public sealed class ModelFixtureTests
{
    public static TheoryData<string> Cases() => new(ModelCase.DiscoverIds());

    static Glm4vEngine Engine(ModelCase c) => EngineCache.Get(c.ModelDir, ScalarType.Float32);

    [Fact]
    public void Fixture_root_yields_model_cases()
    {
        Assert.NotEmpty(ModelCase.DiscoverIds());
    }

    [Theory, MemberData(nameof(Cases))]
    public void Position_ids_kinds_and_rope_deltas_match(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var config = Glm4vConfig.Load(c.ModelDir);
        using var inputs = c.Inputs();
        var r = RopeIndex.Compute(inputs.InputIds, inputs.AttentionMask, inputs.ImageGrids, inputs.VideoGrids, config);
        using var pos = c.Tensor("position_ids");
        var p = pos.data<long>().ToArray();
        int b = inputs.BatchSize, l = inputs.Length;
        for (int axis = 0; axis < 3; axis++)
            for (int i = 0; i < b; i++)
                for (int j = 0; j < l; j++)
                    if (inputs.AttentionMask[i, j] == 1 && r.Positions[axis, i, j] != p[(axis * b + i) * l + j])
                        Assert.Fail($"position_ids[{axis}, {i}, {j}]: actual {r.Positions[axis, i, j]}, expected {p[(axis * b + i) * l + j]} (exact).");
        if (c.Has("mm_token_type_ids"))
        {
            var kinds = c.Long2D("mm_token_type_ids");
            for (int i = 0; i < b; i++)
                for (int j = 0; j < l; j++)
                    if (inputs.AttentionMask[i, j] == 1)
                        Assert.True((long)r.Kinds[i, j] == kinds[i, j], $"mm_token_type_ids[{i}, {j}]: actual {(int)r.Kinds[i, j]}, expected {kinds[i, j]}.");
        }
        if (c.Has("rope_deltas")) TensorAssert.Equal("rope_deltas", Flat(c, "rope_deltas"), r.Deltas);
        if (c.Has("rope_deltas_padded")) TensorAssert.Equal("rope_deltas_padded", Flat(c, "rope_deltas_padded"), r.DeltasPadded);
        if (c.Has("decode_position_ids"))
        {
            var d = c.Long2D("decode_position_ids");
            for (int i = 0; i < b; i++)
                for (int n = 0; n < d.GetLength(1); n++)
                    Assert.True(d[i, n] == r.DecodePosition(i, n), $"decode_position_ids[{i}, {n}]: actual {r.DecodePosition(i, n)}, expected {d[i, n]}.");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Vision_embeddings_match(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        var engine = Engine(c);
        bool any = false;
        using var scope = NewDisposeScope();
        if (c.Has("image_embeds") && c.Has("pixel_values"))
        {
            var (atol, rtol) = c.Tolerance("image_embeds", 2e-4, 1e-4);
            var actual = engine.Model.EncodeImages(c.Tensor("pixel_values"), c.Grids("image_grid_thw"));
            TensorAssert.Close("image_embeds", actual, c.Tensor("image_embeds"), atol, rtol);
            any = true;
        }
        if (c.Has("video_embeds") && c.Has("pixel_values_videos"))
        {
            var (atol, rtol) = c.Tolerance("video_embeds", 2e-4, 1e-4);
            if (!c.Json["tolerances"]!.AsObject().ContainsKey("video_embeds")) (atol, rtol) = c.Tolerance("image_embeds", 2e-4, 1e-4);
            var actual = engine.Model.EncodeVideos(c.Tensor("pixel_values_videos"), c.Grids("video_grid_thw"));
            TensorAssert.Close("video_embeds", actual, c.Tensor("video_embeds"), atol, rtol);
            any = true;
        }
        if (!any) Assert.Skip($"{caseId} has no image or video inputs.");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Full_forward_logits_match(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        if (!c.Has("logits")) Assert.Skip($"{caseId} has no logits.");
        var engine = Engine(c);
        using var inputs = c.Inputs();
        using var scope = NewDisposeScope();
        var logits = FullForward(engine, inputs);
        var (atol, rtol) = c.Tolerance("logits", 2e-4, 1e-4);
        TensorAssert.Close("logits", logits, c.Tensor("logits"), atol, rtol, inputs.AttentionMask);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Greedy_decoding_with_kv_cache_matches(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        if (!c.Has("greedy_ids")) Assert.Skip($"{caseId} has no greedy_ids.");
        var engine = Engine(c);
        using var inputs = c.Inputs();
        var expectedIds = c.Long2D("greedy_ids");
        int b = expectedIds.GetLength(0), k = expectedIds.GetLength(1);
        var steps = new List<Tensor>();
        var ids = new long[b, k];
        using (var gen = engine.CreateGenerator(inputs, new SamplingOptions { MaxNewTokens = k, DoSample = false, IgnoreEos = true }))
        {
            gen.OnLogits = l => steps.Add(l.clone().DetachFromDisposeScope());
            int n = 0;
            while (!gen.Done)
            {
                foreach (var t in gen.Step()) ids[t.Sequence, t.Index] = t.TokenId;
                n++;
            }
            Assert.Equal(k, n);
        }
        for (int i = 0; i < b; i++)
            TensorAssert.Equal($"greedy_ids[{i}]", Enumerable.Range(0, k).Select(j => expectedIds[i, j]).ToArray(), Enumerable.Range(0, k).Select(j => ids[i, j]).ToArray());
        if (c.Has("greedy_logits"))
        {
            using var scope = NewDisposeScope();
            var actual = stack(steps, 1);
            var (atol, rtol) = c.Tolerance("greedy_logits", 2e-4, 1e-4);
            TensorAssert.Close("greedy_logits", actual, c.Tensor("greedy_logits"), atol, rtol);
        }
        foreach (var s in steps) s.Dispose();
    }

    [Theory, MemberData(nameof(Cases))]
    public void All_bf16_compute_stays_in_the_sanity_band(string caseId)
    {
        using var c = ModelCase.Open(caseId);
        if (!c.Has("logits_bf16compute")) Assert.Skip($"{caseId} has no all-bf16 reference.");
        var engine = EngineCache.Get(c.ModelDir, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, engine.DType);
        using var inputs = c.Inputs();
        using var scope = NewDisposeScope();
        var logits = FullForward(engine, inputs).to(ScalarType.Float32);
        var (atol, rtol) = c.Tolerance("logits_bf16compute", 0.15, 0.05);
        TensorAssert.Close("logits_bf16compute", logits, c.Tensor("logits_bf16compute"), atol, rtol, inputs.AttentionMask);
    }

    /// <summary>Prompt forward without a KV cache, logits of every position [B, L, V].</summary>
    internal static Tensor FullForward(Glm4vEngine engine, ModelInputs inputs)
    {
        var m = engine.Model;
        var r = RopeIndex.Compute(inputs.InputIds, inputs.AttentionMask, inputs.ImageGrids, inputs.VideoGrids, engine.Config);
        using var mode = inference_mode();
        var img = inputs.PixelValues is null ? null : m.EncodeImages(inputs.PixelValues, inputs.ImageGrids);
        var vid = inputs.PixelValuesVideos is null ? null : m.EncodeVideos(inputs.PixelValuesVideos, inputs.VideoGrids);
        var embeds = m.Embed(tensor(inputs.InputIds), r.Kinds, img, vid);
        var hidden = m.Decode(embeds, tensor(r.Positions), tensor(inputs.AttentionMask), cache: null);
        return m.Logits(hidden);
    }

    static long[] Flat(ModelCase c, string name)
    {
        using var t = c.Tensor(name);
        return t.flatten().data<long>().ToArray();
    }
}
