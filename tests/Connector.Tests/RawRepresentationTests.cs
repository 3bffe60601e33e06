using System.Text.Json;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// <c>RawRepresentation</c>: the remote client's updates carry the chunk they came from (a <see cref="JsonElement"/>;
/// the non-streaming response carries the whole body), the local client's the <see cref="GeneratedToken"/>.
/// </summary>
public sealed class RawRepresentationTests
{
    static readonly ChatOptions NoThinking = new() { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } };

    static async Task<List<ChatResponseUpdate>> StreamAsync(IChatClient client, string question, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(question, options)) updates.Add(u);
        return updates;
    }

    static JsonElement Delta(JsonElement chunk) => chunk.GetProperty("choices")[0].GetProperty("delta");

    [Fact]
    public async Task Each_remote_streaming_update_carries_the_chunk_it_came_from()
    {
        await using var server = new FakeChatServer(new SseReply(VllmWire.ParsedToolTurnChunks()));
        using var client = new Glm4vRemoteChatClient(server.BaseUri, null, VllmWire.Model);
        var updates = await StreamAsync(client, "Weather in Paris?");

        // read after the stream is over: each chunk outlives its parse
        var chunks = updates.Select(u => Assert.IsType<JsonElement>(u.RawRepresentation)).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        var reasoning = updates.Where(u => u.Contents.OfType<TextReasoningContent>().Any()).ToList();
        Assert.Equal(["Need", " the weather."], reasoning.Select(u => ((TextReasoningContent)u.Contents[0]).Text));
        Assert.All(reasoning, u => Assert.Equal(((TextReasoningContent)u.Contents[0]).Text, Delta((JsonElement)u.RawRepresentation!).GetProperty("reasoning_content").GetString()));
        var call = Assert.Single(updates, u => u.Contents.OfType<FunctionCallContent>().Any());
        Assert.Equal("tool_calls", ((JsonElement)call.RawRepresentation!).GetProperty("choices")[0].GetProperty("finish_reason").GetString()); // complete at the finish
        Assert.True(((JsonElement)updates[^1].RawRepresentation!).TryGetProperty("usage", out _)); // the final update: the usage chunk
    }

    [Fact]
    public async Task A_remote_non_streaming_response_carries_the_response_body()
    {
        await using var server = new FakeChatServer(new BodyReply(200, VllmWire.ParsedToolTurn()));
        using var client = new Glm4vRemoteChatClient(server.BaseUri, null, VllmWire.Model);
        var response = await client.GetResponseAsync("Weather in Paris?");
        var body = Assert.IsType<JsonElement>(response.RawRepresentation);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal(VllmWire.ParsedReasoning, body.GetProperty("choices")[0].GetProperty("message").GetProperty("reasoning_content").GetString());
    }

    [Fact]
    public async Task Each_local_update_carries_the_generated_token_that_completed_it()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), "Plain words here.<|endoftext|>");
        using var client = new Glm4vChatClient(backend);
        var updates = await StreamAsync(client, "Say something.", NoThinking);

        var tokens = updates.Select(u => Assert.IsType<GeneratedToken>(u.RawRepresentation)).ToList();
        Assert.Equal(tokens.OrderBy(t => t.Index), tokens); // in generation order
        foreach (var u in updates.Where(u => u.Text.Length > 0))
            Assert.EndsWith(((GeneratedToken)u.RawRepresentation!).TextDelta, u.Text); // the token whose text completed the update
        Assert.Equal("Plain words here.", string.Concat(updates.Select(u => u.Text)));
        var last = tokens[^1];
        Assert.True(last.IsStopToken);
        Assert.Equal(GenerationFinishReason.Stop, last.FinishReason);
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }
}
