using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Testing;
using Glm4vSK.LocalEngine.Tests.Fixtures;
using Glm4vSK.LocalEngine.Tests.Support;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// messages → template → ids with placeholders expanded → pixels and grids → positions → engine, on the tiny fixture
/// model given a small real-format tokenizer.
/// </summary>
public sealed class ProcessorEndToEndTests
{
    static readonly Lazy<string> ModelDir = new(() => RandomModels.Dir("e2e-with-tokenizer", TinyCheckpoint.FixtureShapedConfig, ScalarType.Float32, 1, dir =>
    {
        TinyCheckpoint.WritePreprocessorConfig(dir);
        TinyTokenizer.Write(dir);
    }));

    static Glm4vEngine Engine => EngineCache.Get(ModelDir.Value, ScalarType.Float32);
    static DataContent Png(string path) => new(File.ReadAllBytes(path), "image/png");

    /// <summary>A W×H PNG of a smooth pattern (different per seed) written into the run's temp folder.</summary>
    static string SyntheticPng(int width, int height, int seed)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                rgb[i] = (byte)(x * 255 / Math.Max(1, width - 1));
                rgb[i + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                rgb[i + 2] = (byte)((x * 7 + y * 13 + seed * 53) % 256);
            }
        string path = Path.Combine(RandomModels.NewTempDir("png"), $"img{seed}.png");
        File.WriteAllBytes(path, TestImages.Png(width, height, 3, rgb));
        return path;
    }

    /// <summary>Dense fixture cases with image PNGs, their pixel_values and logits.</summary>
    public static TheoryData<string> DenseImageCases() => new(ModelCase.DiscoverIds().Where(id =>
    {
        var parts = id.Split('/');
        string modelDir = Path.Combine(FixtureRoot.Require(), "models", parts[0]);
        using var c = ModelCase.Open(id);
        return Glm4vConfig.Load(modelDir).Decoder == DecoderKind.Dense && c.Has("pixel_values") && c.Has("logits")
               && CaseMedia.Find(modelDir, parts[1]).Images.Count > 0 && CaseMedia.Find(modelDir, parts[1]).Videos.Count == 0;
    }));

    /// <summary>Fixture cases whose video is given as frame PNGs, with their pixel_values_videos.</summary>
    public static TheoryData<string> VideoCases() => new(ModelCase.DiscoverIds().Where(id =>
    {
        var parts = id.Split('/');
        using var c = ModelCase.Open(id);
        return c.Has("pixel_values_videos") && CaseMedia.Find(Path.Combine(FixtureRoot.Require(), "models", parts[0]), parts[1]).Videos.Count > 0;
    }));

    /// <summary>A processor for a fixture model dir, with the test tokenizer laid out for its token ids (skips if it cannot be).</summary>
    static Glm4vProcessor ProcessorFor(string modelDir)
    {
        var config = Glm4vConfig.Load(modelDir);
        if (TinyTokenizer.AddedFor(config) is null) Assert.Skip($"the test tokenizer cannot use the token ids of '{modelDir}'.");
        string dir = RandomModels.NewTempDir("tokenizer-for-case");
        TinyTokenizer.Write(dir, config);
        return new Glm4vProcessor(config, Glm4vTokenizer.Load(dir), ChatTemplates.For(ChatTemplateFamily.Glm41v),
            ImageProcessor.Load(modelDir), VideoSamplingRule.Glm4v);
    }

    [Fact]
    public async Task An_image_conversation_becomes_the_expected_ids_and_the_fixture_pixels()
    {
        var e = Engine;
        var messages = new[] { new ChatMessage(ChatRole.User, [Png(SyntheticPng(90, 60, 1)), new TextContent("the cat")]) };
        using var p = await e.Processor.PrepareAsync(messages);
        Assert.Equal("[gMASK]<sop><|user|>\n<|begin_of_image|><|image|><|end_of_image|>the cat<|assistant|>\n", p.Text);

        // 90×60 is below the 12544-pixel minimum (counting two frames): β = √(12544 / (2·60·90)), sides ceil(·β/28)·28 = 84 × 112.
        var grid = Assert.Single(p.ImageGrids);
        Assert.Equal(new GridThw(1, 6, 8), grid);
        Assert.Equal(new long[] { 48, 1176 }, p.Inputs.PixelValues!.shape);
        int n = grid.TokenCount();
        var c = e.Config;
        var expectedIds = new List<int> { 280, 281, 297, '\n', c.ImageStartTokenId };
        expectedIds.AddRange(Enumerable.Repeat(c.ImageTokenId, n));
        expectedIds.Add(c.ImageEndTokenId);
        expectedIds.AddRange(e.Processor.Tokenizer.Encode("the cat"));
        expectedIds.AddRange([283, '\n']);
        Assert.Equal(expectedIds, p.TokenIds);
    }

    [Theory, MemberData(nameof(DenseImageCases))]
    public async Task The_case_prompt_with_processor_built_pixels_gives_the_case_logits(string caseId)
    {
        using var fixture = ModelCase.Open(caseId);
        var media = CaseMedia.Find(fixture.ModelDir, fixture.Name);
        var processor = ProcessorFor(fixture.ModelDir);
        // All images of the case in prompt order, one user message (the processor's pixels and grids for them).
        using var p = await processor.PrepareAsync([new ChatMessage(ChatRole.User, media.Images.Select(f => (AIContent)Png(f)).ToList())]);
        Assert.Equal(fixture.Grids("image_grid_thw"), p.ImageGrids);
        using (var expected = fixture.Tensor("pixel_values"))
            TensorAssert.Close("pixel_values", p.Inputs.PixelValues!, expected, 1e-6, 0);
        var caseIds = fixture.Long2D("input_ids");
        var config = Glm4vConfig.Load(fixture.ModelDir);
        int placeholders = p.TokenIds.Count(id => id == config.ImageTokenId);
        Assert.Equal(Enumerable.Range(0, caseIds.GetLength(0)).Sum(i => Enumerable.Range(0, caseIds.GetLength(1)).Count(j => caseIds[i, j] == config.ImageTokenId)), placeholders);
        var e = EngineCache.Get(fixture.ModelDir, ScalarType.Float32);
        using var inputs = new ModelInputs(caseIds, fixture.Long2D("attention_mask"), p.Inputs.PixelValues!.clone(), p.ImageGrids);
        using var scope = NewDisposeScope();
        var logits = ModelFixtureTests.FullForward(e, inputs);
        var (atol, rtol) = fixture.Tolerance("logits", 2e-4, 1e-4);
        TensorAssert.Close("logits", logits, fixture.Tensor("logits"), atol, rtol, inputs.AttentionMask);
    }

    [Fact]
    public async Task Generation_streams_utf8_safe_text_that_decodes_the_same_as_the_ids()
    {
        var e = Engine;
        var messages = new[]
        {
            new ChatMessage(ChatRole.System, "你好 😀"),
            new ChatMessage(ChatRole.User, [Png(SyntheticPng(64, 40, 2)), new TextContent("What is this?")]),
        };
        var ids = new List<int>();
        var text = new System.Text.StringBuilder();
        await foreach (var t in e.GenerateAsync(messages, null, new SamplingOptions { MaxNewTokens = 24, DoSample = true, Seed = 4, Temperature = 1.3f }))
        {
            if (!t.IsStopToken) ids.Add(t.TokenId);
            text.Append(t.TextDelta);
        }
        Assert.NotEmpty(ids);
        Assert.Equal(e.Processor.Tokenizer.Decode(ids), text.ToString());
    }

    [Fact]
    public async Task A_ten_second_synthetic_video_is_sampled_tokenized_and_run_through_the_model()
    {
        var e = Engine;
        byte[] video = File.ReadAllBytes(SyntheticVideo.Make(10, 10, 64, 48));
        var messages = new[] { new ChatMessage(ChatRole.User, [new DataContent(video, "video/mp4"), new TextContent("what happens")]) };
        using var p = await e.Processor.PrepareAsync(messages);
        var grid = Assert.Single(p.VideoGrids);
        Assert.Equal(10, grid.T);                           // 10 s at 2 fps = 20 frames = 10 temporal patches
        Assert.Empty(p.ImageGrids);
        var c = e.Config;
        var ids = p.TokenIds;
        int start = ids.ToList().IndexOf(c.VideoStartTokenId), end = ids.ToList().IndexOf(c.VideoEndTokenId);
        Assert.True(start >= 0 && end > start);
        // Each temporal patch: <|begin_of_image|>, h·w/4 image ids, <|end_of_image|>, its timestamp ("0" … "9").
        int at = start + 1, perFrame = grid.H * grid.W / 4;
        for (int t = 0; t < grid.T; t++)
        {
            Assert.Equal(c.ImageStartTokenId, ids[at]);
            Assert.All(ids.Skip(at + 1).Take(perFrame), id => Assert.Equal(c.ImageTokenId, id));
            Assert.Equal(c.ImageEndTokenId, ids[at + 1 + perFrame]);
            var stamp = e.Processor.Tokenizer.Encode(t.ToString());
            Assert.Equal(stamp, ids.Skip(at + 2 + perFrame).Take(stamp.Count));
            at += 2 + perFrame + stamp.Count;
        }
        Assert.Equal(end, at);
        var kinds = RopeIndex.Classify(p.Inputs.InputIds, p.Inputs.AttentionMask, c);
        Assert.Equal(grid.TokenCount(), Enumerable.Range(0, p.TokenCount).Count(j => kinds[0, j] == TokenKind.Video));

        var tokens = await e.GenerateAllAsync(p.Inputs, new SamplingOptions { MaxNewTokens = 4, DoSample = false, IgnoreEos = true });
        Assert.Equal(4, tokens[0].Count);
    }

    [Fact]
    public async Task A_video_given_as_frames_is_paired_and_stamped_at_its_rate()
    {
        var e = Engine;
        var frames = Enumerable.Range(0, 3).Select(k => (AIContent)Png(SyntheticPng(84, 56, 10 + k))).ToList();
        var messages = new[] { new ChatMessage(ChatRole.User, [new VideoFramesContent(frames, framesPerSecond: 1), new TextContent("x")]) };
        using var p = await e.Processor.PrepareAsync(messages);
        Assert.Equal(2, Assert.Single(p.VideoGrids).T);     // 3 frames padded to 4 → 2 temporal patches
        // Timestamps of the first frame of each pair at 1 fps: "0" and "2".
        var c = e.Config;
        var afterEnds = p.TokenIds.Select((id, i) => (id, i)).Where(x => x.id == c.ImageEndTokenId).Select(x => p.TokenIds[x.i + 1]).ToList();
        Assert.Equal(new[] { (int)'0', (int)'2' }, afterEnds);
    }

    [Theory, MemberData(nameof(VideoCases))]
    public async Task Case_videos_given_as_frames_give_the_case_pixels(string caseId)
    {
        using var fixture = ModelCase.Open(caseId);
        var media = CaseMedia.Find(fixture.ModelDir, fixture.Name);
        var processor = ProcessorFor(fixture.ModelDir);
        var contents = media.Videos.Select(v => (AIContent)new VideoFramesContent(v.Select(f => (AIContent)Png(f)).ToList())).ToList();
        using var p = await processor.PrepareAsync([new ChatMessage(ChatRole.User, contents)]);
        Assert.Equal(fixture.Grids("video_grid_thw"), p.VideoGrids);
        using var expected = fixture.Tensor("pixel_values_videos");
        TensorAssert.Close("pixel_values_videos", p.Inputs.PixelValuesVideos!, expected, 1e-6, 0);
    }

    [Fact]
    public async Task Pixel_limits_can_be_overridden_per_request()
    {
        var e = Engine;
        var messages = new[] { new ChatMessage(ChatRole.User, [Png(SyntheticPng(300, 200, 3))]) };
        using var normal = await e.Processor.PrepareAsync(messages);
        using var small = await e.Processor.PrepareAsync(messages, new PromptOptions { MaxPixels = 2 * 28 * 28 * 4 });
        Assert.True(small.ImageGrids[0].PatchCount < normal.ImageGrids[0].PatchCount, $"{small.ImageGrids[0]} vs {normal.ImageGrids[0]}");
        Assert.True(2L * small.ImageGrids[0].H * 14 * small.ImageGrids[0].W * 14 <= 2 * 28 * 28 * 4);
        Assert.True(small.TokenCount < normal.TokenCount);
    }

    [Fact]
    public async Task Bad_media_is_a_typed_error_naming_message_and_part_and_the_engine_keeps_working()
    {
        var e = Engine;
        string goodPath = SyntheticPng(60, 60, 4);
        var good = Png(goodPath);
        var corrupt = new DataContent(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4 }, "image/png");
        var ex = await Assert.ThrowsAsync<InvalidMediaException>(() => e.Processor.PrepareAsync(
        [
            new ChatMessage(ChatRole.User, [good, new TextContent("first")]),
            new ChatMessage(ChatRole.Assistant, "ok"),
            new ChatMessage(ChatRole.User, [new TextContent("and this?"), corrupt]),
        ]));
        Assert.Equal((2, 1), (ex.MessageIndex, ex.PartIndex));
        Assert.Contains("message 2, part 1", ex.Message);

        var audio = await Assert.ThrowsAsync<InvalidMediaException>(() => e.Processor.PrepareAsync([new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1 }, "audio/wav")])]));
        Assert.Equal((0, 0), (audio.MessageIndex, audio.PartIndex));

        var noFrames = await Assert.ThrowsAsync<InvalidMediaException>(() => e.Processor.PrepareAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("v"), new DataContent(File.ReadAllBytes(SyntheticVideo.AudioOnly()), "video/mp4")])]));
        Assert.Equal((0, 1), (noFrames.MessageIndex, noFrames.PartIndex));

        await Assert.ThrowsAsync<InvalidModelInputException>(() => e.Processor.PrepareAsync([new ChatMessage(ChatRole.User, "sneaky <|image|> markup")]));
        await Assert.ThrowsAsync<MediaAccessDeniedException>(() => e.Processor.PrepareAsync(
            [new ChatMessage(ChatRole.User, [new UriContent(new Uri(goodPath), "image/png")])]));

        var tokens = await e.GenerateAllAsync((await e.Processor.PrepareAsync([new ChatMessage(ChatRole.User, [good])])).Inputs,
            new SamplingOptions { MaxNewTokens = 2, DoSample = false, IgnoreEos = true });
        Assert.Equal(2, tokens[0].Count);
    }

    public static TheoryData<string> BadImageKinds() => new(["empty", "corrupt", "truncated", "zero-size", "1x50000", "30000x30000", "pdf"]);

    [Theory, MemberData(nameof(BadImageKinds))]
    public async Task Every_kind_of_bad_image_is_refused_with_its_message_and_part(string kind)
    {
        byte[] good = File.ReadAllBytes(SyntheticPng(40, 30, 6));
        byte[] bytes = kind switch
        {
            "empty" => [],
            "corrupt" => [.. good.Take(16), .. Enumerable.Repeat((byte)0x5A, 200)],
            "truncated" => good[..(good.Length / 2)],
            "zero-size" => TestImages.PngHeaderOnly(0, 0),
            "1x50000" => TestImages.Png(1, 50000, 3, new byte[50000 * 3]),
            "30000x30000" => TestImages.PngHeaderOnly(30000, 30000),
            _ => "%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"u8.ToArray(),
        };
        var ex = await Assert.ThrowsAsync<InvalidMediaException>(() => Engine.Processor.PrepareAsync(
        [
            new ChatMessage(ChatRole.System, "be brief"),
            new ChatMessage(ChatRole.User, [new TextContent("look:"), new DataContent(good, "image/png"), new DataContent(bytes, "image/png")]),
        ]));
        Assert.Equal((1, 2), (ex.MessageIndex, ex.PartIndex));
        Assert.StartsWith("message 1, part 2: ", ex.Message);
    }

    [Fact]
    public async Task Local_files_are_read_under_an_allowed_root()
    {
        string png = SyntheticPng(50, 70, 5);
        using var engine = Glm4vEngine.Load(ModelDir.Value, new EngineOptions { Processor = new ProcessorOptions { MediaAccess = new MediaAccessPolicy { AllowedFileRoots = [Path.GetDirectoryName(png)!] } } });
        using var p = await engine.Processor.PrepareAsync([new ChatMessage(ChatRole.User, [new UriContent(new Uri(png), "image/png")])]);
        Assert.Single(p.ImageGrids);
    }
}
