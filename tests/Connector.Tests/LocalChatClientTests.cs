using System.Text.Json;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

public sealed class LocalChatClientTests
{
    static byte[] Png()
    {
        var rgb = new byte[40 * 30 * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(i * 7);
        using var bmp = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(40, 30, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul));
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) bmp.SetPixel(x, y, new SkiaSharp.SKColor((byte)(x * 6), (byte)(y * 8), (byte)(x + y)));
        using var img = SkiaSharp.SKImage.FromBitmap(bmp);
        return img.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).ToArray();
    }

    static readonly AIFunction Weather = AIFunctionFactory.Create((string city, int days) => $"{city}: sunny for {days} days", "get_weather", "Weather forecast");

    [Fact]
    public async Task Reasoning_answer_and_a_tool_call_become_typed_contents_with_usage_and_finish_reason()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true),
            "<think>Need the weather.</think>\n<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n<arg_key>days</arg_key>\n<arg_value>2</arg_value>\n</tool_call><|observation|>");
        using var client = new Glm4vChatClient(backend);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather in Paris?")], new ChatOptions { Tools = [Weather] });
        var message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Equal("Need the weather.", string.Concat(message.Contents.OfType<TextReasoningContent>().Select(r => r.Text)));
        var call = Assert.Single(message.Contents.OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal(2L, Convert.ToInt64(call.Arguments!["days"]));
        Assert.False(string.IsNullOrEmpty(call.CallId));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.NotNull(response.Usage);
        Assert.True(response.Usage!.InputTokenCount > 1 && response.Usage.OutputTokenCount > 1);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.Contains("# Tools", backend.Processor.Tokenizer.Decode(backend.Requests[0].Ids.Select(i => (int)i)));
    }

    [Fact]
    public async Task A_tool_that_returns_an_image_is_seen_by_the_model_through_function_invocation()
    {
        byte[] png = Png();
        var snapshot = AIFunctionFactory.Create(() => new DataContent(png, "image/png"), "take_snapshot", "Takes a picture");
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true),
            "<tool_call>take_snapshot\n</tool_call><|observation|>", "<think>A gradient.</think>\nIt shows a gradient.<|endoftext|>");
        using var client = new ChatClientBuilder(new Glm4vChatClient(backend)).UseFunctionInvocation().Build();
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What do you see?")], new ChatOptions { Tools = [snapshot] });
        Assert.Equal("It shows a gradient.", response.Text.Trim());
        Assert.Equal(2, backend.Requests.Count);
        Assert.Equal(0, backend.Requests[0].ImageRows);
        Assert.True(backend.Requests[1].ImageRows > 0, "the tool's image reached the model as pixel rows");
        var config = Glm4vConfig.Load(backend.ModelDirectory);
        var second = backend.Requests[1].Ids;
        int observation = Array.IndexOf(second, (long)backend.Processor.Tokenizer.TokenId("<|observation|>"));
        Assert.True(observation > 0);
        Assert.Contains(second.Skip(observation), id => id == config.ImageTokenId);
    }

    [Fact]
    public async Task A_broken_tool_call_comes_back_as_text()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), "Sure.<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Par");
        using var client = new Glm4vChatClient(backend);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], new ChatOptions { Tools = [Weather], Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } });
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Contains("<arg_value>Par", response.Text);
        Assert.StartsWith("Sure.", response.Text);
    }

    [Fact]
    public async Task Stop_sequences_are_found_in_the_text_across_tokens_and_cut_out()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), "Hello there END of it");
        using var client = new Glm4vChatClient(backend);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")],
            new ChatOptions { StopSequences = ["END"], Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } });
        Assert.Equal("Hello there ", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task Streaming_merges_into_the_same_response_as_non_streaming_with_one_message_and_one_usage()
    {
        const string script = "<think>Hmm, 你好 😀.</think>\nThe answer is 42.<|endoftext|>";
        var dir = ScriptedBackend.ModelDir(glm45v: true);
        using var a = new Glm4vChatClient(new ScriptedBackend(dir, script));
        using var b = new Glm4vChatClient(new ScriptedBackend(dir, script));
        var whole = await a.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in b.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "q")])) updates.Add(u);
        var merged = updates.ToChatResponse();
        Assert.Single(merged.Messages);
        Assert.Equal(whole.Text, merged.Text);
        Assert.Equal("\nThe answer is 42.", merged.Text);
        Assert.Equal(whole.FinishReason, merged.FinishReason);
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Single(updates.Select(u => u.MessageId).Distinct());
        Assert.Equal("Hmm, 你好 😀.", string.Concat(merged.Messages[0].Contents.OfType<TextReasoningContent>().Select(r => r.Text)));
    }

    [Fact]
    public async Task Options_are_read_not_mutated_and_metadata_is_exposed()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), "ok<|endoftext|>");
        using var client = new Glm4vChatClient(backend, new Glm4vChatClientOptions { ModelId = "glm-test" });
        var options = new ChatOptions
        {
            Temperature = 0.5f, TopP = 0.9f, MaxOutputTokens = 5, StopSequences = ["zz"], Instructions = "Be brief.",
            Tools = [Weather], AdditionalProperties = new() { ["max_pixels"] = 100_000L, ["repetition_penalty"] = 1.1 },
        };
        string before = JsonSerializer.Serialize(options, AIJsonUtilities.DefaultOptions);
        var r = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], options);
        Assert.Equal(before, JsonSerializer.Serialize(options, AIJsonUtilities.DefaultOptions));
        Assert.Equal("glm-test", r.ModelId);
        Assert.StartsWith("[gMASK]<sop><|system|>", backend.Processor.Tokenizer.Decode(backend.Requests[0].Ids.Select(i => (int)i)));
        var meta = client.GetService<ChatClientMetadata>();
        Assert.Equal("glm-test", meta!.DefaultModelId);
        Assert.Same(backend.Processor, client.GetService<Glm4vProcessor>());
        Assert.Null(client.GetService(typeof(ChatClientMetadata), "key"));
        Assert.Throws<ArgumentNullException>(() => client.GetService(null!));
    }

    [Fact]
    public async Task Reasoning_effort_and_thinking_budget_reach_the_sampler()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), "<think>a</think>b<|endoftext|>", "<think>a</think>b<|endoftext|>", "b<|endoftext|>");
        using var client = new Glm4vChatClient(backend);
        await client.GetResponseAsync("x", new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } });
        await client.GetResponseAsync("x", new ChatOptions { AdditionalProperties = new() { ["thinking_budget"] = 50 }, Temperature = 0.7f, TopK = 5, Seed = 3 });
        await client.GetResponseAsync("x", new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } });
        int thinkEnd = backend.Processor.Tokenizer.TokenId("</think>");
        Assert.Equal((1024, thinkEnd), (backend.Sampling[0].ThinkingBudget, backend.Sampling[0].ThinkEndTokenId));
        Assert.Equal(50, backend.Sampling[1].ThinkingBudget);
        Assert.Equal((0.7f, 5, 3L, true), (backend.Sampling[1].Temperature, backend.Sampling[1].TopK, backend.Sampling[1].Seed, backend.Sampling[1].DoSample));
        Assert.Null(backend.Sampling[2].ThinkingBudget);
        Assert.EndsWith("<think></think>\n", backend.Processor.Tokenizer.Decode(backend.Requests[2].Ids.Select(i => (int)i)));
    }

    [Fact]
    public async Task Frequency_and_presence_penalties_and_min_p_reach_the_sampler()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), "b<|endoftext|>", "b<|endoftext|>");
        using var client = new Glm4vChatClient(backend);
        await client.GetResponseAsync("x", new ChatOptions { FrequencyPenalty = 0.5f, PresencePenalty = -0.25f, AdditionalProperties = new() { ["min_p"] = 0.1 } });
        await client.GetResponseAsync("x");
        Assert.Equal((0.5f, -0.25f, 0.1f), (backend.Sampling[0].FrequencyPenalty, backend.Sampling[0].PresencePenalty, backend.Sampling[0].MinP));
        Assert.Equal((null, null, null), (backend.Sampling[1].FrequencyPenalty, backend.Sampling[1].PresencePenalty, backend.Sampling[1].MinP));
    }
}
