using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

/// <summary>The local client reports the prompt tokens the engine reused from its prefix cache.</summary>
public sealed class PrefixCacheUsageTests(TinyModel model) : IClassFixture<TinyModel>
{
    [Fact]
    public async Task Turn_two_of_a_chat_about_an_image_reports_cached_input_tokens_and_turn_one_none()
    {
        using var engine = await Glm4vEngine.LoadAsync(model.Dir, new EngineOptions { CpuThreads = 1 });   // caches on by default
        using var client = new Glm4vChatClient(engine);
        var options = new ChatOptions { MaxOutputTokens = 6, Temperature = 0f };
        var history = new List<ChatMessage>
        {
            new(ChatRole.User, [new DataContent(Images.Png(), "image/png"), new TextContent("What is in this picture?")]),
        };
        var turn1 = await client.GetResponseAsync(history, options);
        Assert.Equal(0, turn1.Usage!.CachedInputTokenCount);

        history.AddRange(turn1.Messages);
        history.Add(new ChatMessage(ChatRole.User, "And which colours does it have?"));
        var turn2 = await client.GetResponseAsync(history, options);
        long cached = turn2.Usage!.CachedInputTokenCount!.Value;
        Assert.InRange(cached, 1, turn2.Usage.InputTokenCount!.Value - 1);
        // At least the picture and everything before it was reused.
        using var prompt1 = await engine.Processor.PrepareAsync(history.Take(1));
        var ids = prompt1.TokenIds;
        int end = ids.ToList().LastIndexOf(engine.Config.ImageTokenId) + 1;
        Assert.True(cached >= end / 16 * 16, $"turn 2 reused {cached} tokens; the picture ends at {end}.");
    }

    [Fact]
    public async Task With_the_prefix_cache_off_nothing_is_reported_as_cached()
    {
        using var engine = await Glm4vEngine.LoadAsync(model.Dir, new EngineOptions { CpuThreads = 1, PrefixCacheBytes = 0 });
        using var client = new Glm4vChatClient(engine);
        var options = new ChatOptions { MaxOutputTokens = 3, Temperature = 0f };
        ChatMessage[] question = [new(ChatRole.User, [new DataContent(Images.Png(), "image/png"), new TextContent("What is in this picture?")])];
        await client.GetResponseAsync(question, options);
        var again = await client.GetResponseAsync(question, options);
        Assert.Equal(0, again.Usage!.CachedInputTokenCount);
    }

    [Fact]
    public async Task Requests_with_different_cache_salts_share_no_prefix_and_equal_salts_do()
    {
        using var engine = await Glm4vEngine.LoadAsync(model.Dir, new EngineOptions { CpuThreads = 1 });
        using var client = new Glm4vChatClient(engine);
        ChatOptions Salted(string? salt) => new()
        {
            MaxOutputTokens = 3, Temperature = 0f,
            AdditionalProperties = salt is null ? null : new() { ["cache_salt"] = salt },
        };
        ChatMessage[] question = [new(ChatRole.User, [new DataContent(Images.Png(), "image/png"), new TextContent("What is in this picture?")])];
        var first = await client.GetResponseAsync(question, Salted("tenant-a"));
        var otherTenant = await client.GetResponseAsync(question, Salted("tenant-b"));
        var shared = await client.GetResponseAsync(question, Salted(null));
        var sameTenant = await client.GetResponseAsync(question, Salted("tenant-a"));
        Assert.Equal(0, first.Usage!.CachedInputTokenCount);
        Assert.Equal(0, otherTenant.Usage!.CachedInputTokenCount);
        Assert.Equal(0, shared.Usage!.CachedInputTokenCount);
        Assert.InRange(sameTenant.Usage!.CachedInputTokenCount!.Value, 1, sameTenant.Usage.InputTokenCount!.Value - 1);
        Assert.Equal(first.Text, sameTenant.Text); // a restored prefix changes nothing but the time
    }
}
