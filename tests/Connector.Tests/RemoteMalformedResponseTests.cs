using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// Every malformed field of a chat completion (non-streaming) or chunk (streaming) → <see cref="Glm4vRemoteException"/>
/// naming the field's path; valid variants (nulls, missing fields, arguments as an object, other choices) still pass.
/// </summary>
public sealed class RemoteMalformedResponseTests
{
    static List<ChatMessage> Ask() => [new ChatMessage(ChatRole.User, "Hi")];

    /// <summary>A response with every field the client reads; <c>{m}</c> in a path is <c>message</c> or <c>delta</c>.</summary>
    static JsonObject Full(bool streaming)
    {
        var root = JsonNode.Parse(streaming
            ? VllmWire.Chunk(Message(), "tool_calls")
            : VllmWire.Completion(Message(), "tool_calls"))!.AsObject();
        root["usage"] = new JsonObject
        {
            ["prompt_tokens"] = 10, ["completion_tokens"] = 5, ["total_tokens"] = 15,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = 2 },
            ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 3 },
        };
        return root;

        static JsonObject Message() => new()
        {
            ["role"] = "assistant",
            ["content"] = "Sunny.",
            ["reasoning_content"] = "Look it up.",
            ["reasoning"] = "Look it up.",
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["id"] = "call-1", ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = "{\"city\":\"Paris\"}" },
            }),
        };
    }

    /// <summary>Sets <paramref name="path"/> (<c>a.b[0].c</c>) to <paramref name="value"/>; <c>~</c> as the value removes the field.</summary>
    static void Set(JsonObject root, string path, string value)
    {
        var parts = path.Replace("[", ".[").Split('.');
        JsonNode node = root;
        for (int i = 0; i < parts.Length - 1; i++) node = Step(node, parts[i])!;
        string last = parts[^1];
        JsonNode? v = value == "~" ? null : JsonNode.Parse(value);
        if (last.StartsWith('[')) node.AsArray()[int.Parse(last[1..^1])] = v;
        else if (value == "~") node.AsObject().Remove(last);
        else node.AsObject()[last] = v;

        static JsonNode? Step(JsonNode node, string part) => part.StartsWith('[') ? node.AsArray()[int.Parse(part[1..^1])] : node[part];
    }

    static async Task<ChatResponse> RunAsync(string body, bool streaming)
    {
        await using var server = new FakeChatServer(streaming ? new SseReply([body, VllmWire.Done]) : new BodyReply(200, body));
        using var client = new Glm4vRemoteChatClient(server.BaseUri, null, VllmWire.Model);
        if (!streaming) return await client.GetResponseAsync(Ask());
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(Ask())) updates.Add(u);
        return updates.ToChatResponse();
    }

    static string Body(bool streaming, string path, string value)
    {
        var root = Full(streaming);
        Set(root, path.Replace("{m}", streaming ? "delta" : "message"), value);
        return root.ToJsonString();
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "id", "5" }, { "id", "{}" },
        { "created", "\"yesterday\"" }, { "created", "1.5" }, { "created", "1e20" }, { "created", "-99999999999999" },
        { "model", "3" }, { "model", "[]" },
        { "choices", "{}" }, { "choices", "\"x\"" },
        { "choices[0]", "null" }, { "choices[0]", "5" }, { "choices[0]", "[]" },
        { "choices[0].index", "1.5" }, { "choices[0].index", "1e20" }, { "choices[0].index", "-1" }, { "choices[0].index", "\"0\"" },
        { "choices[0].{m}", "\"hi\"" }, { "choices[0].{m}", "[]" },
        { "choices[0].finish_reason", "1" }, { "choices[0].finish_reason", "{}" },
        { "choices[0].{m}.role", "1" },
        { "choices[0].{m}.content", "5" }, { "choices[0].{m}.content", "{}" }, { "choices[0].{m}.content", "true" },
        { "choices[0].{m}.reasoning_content", "1" }, { "choices[0].{m}.reasoning", "[]" },
        { "choices[0].{m}.tool_calls", "{}" }, { "choices[0].{m}.tool_calls", "\"call\"" },
        { "choices[0].{m}.tool_calls[0]", "null" }, { "choices[0].{m}.tool_calls[0]", "\"x\"" },
        { "choices[0].{m}.tool_calls[0].index", "1.5" }, { "choices[0].{m}.tool_calls[0].index", "-1" }, { "choices[0].{m}.tool_calls[0].index", "1e20" },
        { "choices[0].{m}.tool_calls[0].id", "1" },
        { "choices[0].{m}.tool_calls[0].type", "{}" },
        { "choices[0].{m}.tool_calls[0].function", "\"f\"" },
        { "choices[0].{m}.tool_calls[0].function.name", "1" },
        { "choices[0].{m}.tool_calls[0].function.arguments", "5" }, { "choices[0].{m}.tool_calls[0].function.arguments", "[1]" },
        { "choices[0].{m}.tool_calls[0].function.arguments", "true" },
        { "usage", "[]" }, { "usage", "\"x\"" },
        { "usage.prompt_tokens", "-1" }, { "usage.prompt_tokens", "1.5" }, { "usage.prompt_tokens", "1e20" }, { "usage.prompt_tokens", "\"12\"" },
        { "usage.prompt_tokens", "3000000000" },
        { "usage.completion_tokens", "-5" }, { "usage.total_tokens", "1e300" },
        { "usage.prompt_tokens_details", "5" }, { "usage.prompt_tokens_details.cached_tokens", "-1" },
        { "usage.completion_tokens_details", "[]" }, { "usage.completion_tokens_details.reasoning_tokens", "\"x\"" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_field_is_a_Glm4vRemoteException_naming_it(string path, string value)
    {
        foreach (bool streaming in new[] { false, true })
        {
            string body = Body(streaming, path, value);
            var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => RunAsync(body, streaming));
            string field = path.Replace("{m}", streaming ? "delta" : "message");
            Assert.Contains($"'{field}'", e.Message);
        }
    }

    public static TheoryData<string, string> Valid => new()
    {
        { "id", "null" }, { "id", "~" }, { "created", "null" }, { "created", "~" }, { "model", "null" },
        { "choices[0].index", "~" }, { "choices[0].index", "0" }, { "choices[0].finish_reason", "null" },
        { "choices[0].{m}.role", "null" }, { "choices[0].{m}.content", "null" }, { "choices[0].{m}.reasoning_content", "null" },
        { "choices[0].{m}.tool_calls", "null" }, { "choices[0].{m}.tool_calls", "[]" }, { "choices[0].{m}.tool_calls[0].index", "~" },
        { "choices[0].{m}.tool_calls[0].id", "null" }, { "choices[0].{m}.tool_calls[0].type", "~" },
        { "choices[0].{m}.tool_calls[0].function.arguments", "null" },
        { "choices[0].{m}.tool_calls[0].function.arguments", "{\"city\":\"Paris\"}" },
        { "usage", "null" }, { "usage.prompt_tokens", "0" }, { "usage.total_tokens", "~" }, { "usage.prompt_tokens_details", "null" },
        { "usage.completion_tokens_details.reasoning_tokens", "null" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public async Task Valid_variants_still_pass(string path, string value)
    {
        foreach (bool streaming in new[] { false, true })
        {
            var response = await RunAsync(Body(streaming, path, value), streaming);
            Assert.Single(response.Messages);
        }
    }

    [Fact]
    public async Task The_unchanged_full_response_passes_streaming_and_not()
    {
        foreach (bool streaming in new[] { false, true })
        {
            var response = await RunAsync(Full(streaming).ToJsonString(), streaming);
            Assert.Equal("Sunny.", response.Text);
            var call = Assert.Single(response.Messages[0].Contents.OfType<FunctionCallContent>());
            Assert.Equal("Paris", call.Arguments!["city"]);
            Assert.Equal(10, response.Usage!.InputTokenCount);
            Assert.Equal(3, response.Usage.ReasoningTokenCount);
        }
    }

    [Fact]
    public async Task Arguments_sent_as_an_object_give_the_same_call_as_arguments_sent_as_a_string_streaming_and_not()
    {
        const string args = "{\"city\":\"Paris\",\"days\":2,\"opts\":{\"metric\":true}}";
        foreach (bool streaming in new[] { false, true })
        {
            var asString = await RunAsync(Body(streaming, "choices[0].{m}.tool_calls[0].function.arguments", JsonSerializer.Serialize(args)), streaming);
            var asObject = await RunAsync(Body(streaming, "choices[0].{m}.tool_calls[0].function.arguments", args), streaming);
            var a = Assert.Single(asString.Messages[0].Contents.OfType<FunctionCallContent>());
            var b = Assert.Single(asObject.Messages[0].Contents.OfType<FunctionCallContent>());
            Assert.Null(b.Exception);
            Assert.Equal("Paris", b.Arguments!["city"]);
            Assert.Equal(2L, b.Arguments["days"]);
            Assert.Equal(a.Arguments!.Keys, b.Arguments.Keys);
            Assert.Equal(((JsonElement)a.Arguments["opts"]!).GetRawText(), ((JsonElement)b.Arguments["opts"]!).GetRawText());
        }
    }

    [Fact]
    public async Task Another_choice_index_is_skipped_and_a_chunk_of_only_usage_passes()
    {
        var other = Full(streaming: true);
        other["choices"]![0]!["index"] = 1;
        var usageOnly = JsonNode.Parse(VllmWire.UsageChunk())!.AsObject();
        usageOnly.Remove("choices");
        await using var server = new FakeChatServer(new SseReply([
            other.ToJsonString(), VllmWire.Chunk(new JsonObject { ["content"] = "ok" }, "stop"), usageOnly.ToJsonString(), VllmWire.Done]));
        using var client = new Glm4vRemoteChatClient(server.BaseUri, null, VllmWire.Model);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(Ask())) updates.Add(u);
        var response = updates.ToChatResponse();
        Assert.Equal("ok", response.Text);
        Assert.Equal(120, response.Usage!.InputTokenCount);
    }
}
