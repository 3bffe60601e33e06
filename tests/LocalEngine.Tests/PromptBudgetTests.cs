using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// Per-request pixel budgets are checked before any pixel is resized: they must be positive and ordered, the resized
/// media must stay within the decoded-pixel limit, and the prompt they make must fit the context.
/// </summary>
public sealed class PromptBudgetTests
{
    static ChatMessage[] ImageMessage() => [new(ChatRole.User, [TestProcessors.Png(40, 30), new TextContent("what is it")])];

    static ChatMessage[] VideoMessage() =>
        [new(ChatRole.User, [new VideoFramesContent([TestProcessors.Png(40, 30), TestProcessors.Png(40, 30)]), new TextContent("what happens")])];

    [Theory]
    [InlineData(20_000L, 15_000L)]
    [InlineData(150_000_000L, null)] // the checkpoint's default max (11,760,000) is below it
    public async Task A_minimum_above_the_maximum_is_refused_naming_both(long min, long? max)
    {
        var p = TestProcessors.Create();
        var e = await Assert.ThrowsAsync<InvalidModelInputException>(() => p.PrepareAsync(ImageMessage(), new PromptOptions { MinPixels = min, MaxPixels = max }));
        Assert.Contains("MinPixels", e.Message);
        Assert.Contains("MaxPixels", e.Message);
    }

    [Fact]
    public async Task A_video_minimum_above_the_video_maximum_is_refused_naming_both()
    {
        var p = TestProcessors.Create();
        var e = await Assert.ThrowsAsync<InvalidModelInputException>(() =>
            p.PrepareAsync(VideoMessage(), new PromptOptions { VideoMinPixels = 50_000, VideoMaxPixels = 40_000 }));
        Assert.Contains("VideoMinPixels", e.Message);
        Assert.Contains("VideoMaxPixels", e.Message);
    }

    [Theory]
    [InlineData(0L, null, "MinPixels")]
    [InlineData(-5L, null, "MinPixels")]
    [InlineData(null, 0L, "MaxPixels")]
    [InlineData(null, -1L, "MaxPixels")]
    public async Task A_budget_that_is_not_positive_is_a_typed_error_naming_the_option(long? min, long? max, string option)
    {
        var p = TestProcessors.Create();
        var e = await Assert.ThrowsAsync<InvalidModelInputException>(() => p.PrepareAsync(ImageMessage(), new PromptOptions { MinPixels = min, MaxPixels = max }));
        Assert.Contains(option, e.Message);
        var v = await Assert.ThrowsAsync<InvalidModelInputException>(() => p.PrepareAsync(VideoMessage(), new PromptOptions { VideoMinPixels = min, VideoMaxPixels = max }));
        Assert.Contains("Video" + option, v.Message);
    }

    [Fact]
    public async Task A_budget_that_would_resize_past_the_decoded_pixel_limit_is_refused_before_resizing()
    {
        // 1e12 pixels would resize the 40×30 image to about 816,000 × 612,000 (a 1.5 TB tensor).
        var p = TestProcessors.Create();
        var e = await Assert.ThrowsAsync<InvalidModelInputException>(() =>
            p.PrepareAsync(ImageMessage(), new PromptOptions { MinPixels = 1_000_000_000_000, MaxPixels = 1_000_000_000_000 }));
        Assert.Contains("MinPixels", e.Message);
        Assert.Contains(nameof(ProcessorOptions.MaxDecodedImagePixels), e.Message);
    }

    [Fact]
    public async Task A_video_budget_that_would_resize_past_the_decoded_pixel_limit_is_refused_before_resizing()
    {
        var p = TestProcessors.Create();
        var e = await Assert.ThrowsAsync<InvalidModelInputException>(() =>
            p.PrepareAsync(VideoMessage(), new PromptOptions { VideoMinPixels = 1_000_000_000_000, VideoMaxPixels = 1_000_000_000_000 }));
        Assert.Contains("VideoMinPixels", e.Message);
    }

    [Fact]
    public async Task A_budget_whose_image_tokens_exceed_the_context_is_refused_before_resizing()
    {
        // 150,000,000 pixels (two frames) is a 10,000 × 7,500 image: ~95,000 tokens, far over the 4,096-token context.
        var p = TestProcessors.Create();
        var e = await Assert.ThrowsAsync<ContextLengthExceededException>(() =>
            p.PrepareAsync(ImageMessage(), new PromptOptions { MinPixels = 150_000_000, MaxPixels = 150_000_000 }));
        Assert.True(e.PromptTokens > 90_000, e.Message);
        Assert.Equal(4096, e.ContextTokens);
    }

    [Fact]
    public async Task A_video_budget_whose_tokens_exceed_the_context_is_refused_before_resizing()
    {
        var p = TestProcessors.Create();
        await Assert.ThrowsAsync<ContextLengthExceededException>(() =>
            p.PrepareAsync(VideoMessage(), new PromptOptions { VideoMinPixels = 150_000_000, VideoMaxPixels = 150_000_000 }));
    }

    [Fact]
    public async Task A_budget_that_fits_still_gives_the_smart_resize_grid()
    {
        var p = TestProcessors.Create();
        using var prompt = await p.PrepareAsync(ImageMessage(), new PromptOptions { MinPixels = 2 * 280 * 280, MaxPixels = 2 * 280 * 280 });
        Assert.Equal(new GridThw(1, 18, 24), Assert.Single(prompt.ImageGrids)); // 252 × 336, as ImageProcessor.TargetSize says
    }

    [Fact(Timeout = 60_000)]
    public async Task A_million_letter_word_is_refused_before_it_is_tokenized()
    {
        // One pre-token of a million letters: byte-pair merging it whole is quadratic (minutes); it cannot fit 4,096 tokens anyway.
        var p = TestProcessors.Create();
        string word = string.Concat(Enumerable.Repeat("the", 333_334));
        var e = await Assert.ThrowsAsync<ContextLengthExceededException>(() =>
            Task.Run(() => p.PrepareAsync([new ChatMessage(ChatRole.User, word)]), TestContext.Current.CancellationToken));
        Assert.True(e.PromptTokensAtLeast);                 // refused before it was counted: the number is a lower bound
        Assert.Contains("at least", e.Message);
    }
}
