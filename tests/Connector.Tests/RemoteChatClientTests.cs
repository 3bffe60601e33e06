using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// <see cref="Glm4vRemoteChatClient"/> against an in-process HTTP server on 127.0.0.1 that replays vLLM's
/// chat-completions wire format (with and without the glm45 parsers).
/// </summary>
public sealed class RemoteChatClientTests
{
    static readonly AIFunction Weather = AIFunctionFactory.Create((string city, int days) => $"{city}: sunny for {days} days", "get_weather", "Weather forecast");
    static readonly byte[] FakePng = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 1, 2, 3, 250, 251, 252];
    static readonly ChatOptions ToolOptions = new() { Tools = [Weather] };

    static List<ChatMessage> Ask(string text = "Weather in Paris for two days?") => [new ChatMessage(ChatRole.User, text)];

    static Glm4vRemoteChatClient Client(FakeChatServer server, Glm4vRemoteOptions? options = null) =>
        new(server.BaseUri, "sk-test", VllmWire.Model, options);

    static async Task<List<ChatResponseUpdate>> StreamAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(messages, options)) updates.Add(u);
        return updates;
    }

    /// <summary>Everything a caller sees in a response, as text; <paramref name="callIds"/> false leaves out tool-call ids.</summary>
    static string Describe(ChatResponse r, bool callIds = true)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"response={r.ResponseId} model={r.ModelId} finish={r.FinishReason} messages={r.Messages.Count}");
        sb.AppendLine($"usage in={r.Usage?.InputTokenCount} out={r.Usage?.OutputTokenCount} total={r.Usage?.TotalTokenCount} cached={r.Usage?.CachedInputTokenCount}");
        foreach (var m in r.Messages)
        {
            sb.AppendLine($"message {m.Role} id={m.MessageId}");
            foreach (var c in m.Contents)
            {
                sb.AppendLine(c switch
                {
                    TextReasoningContent t => "reasoning: " + JsonSerializer.Serialize(t.Text),
                    TextContent t => "text: " + JsonSerializer.Serialize(t.Text),
                    FunctionCallContent f => $"call {(callIds ? f.CallId : "")} {f.Name} {JsonSerializer.Serialize(f.Arguments, AIJsonUtilities.DefaultOptions)} error={f.Exception?.GetType().Name}",
                    _ => c.GetType().Name,
                });
            }
        }
        return sb.ToString();
    }

    static void AssertToolTurn(ChatResponse response, bool serverIds)
    {
        var message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Equal(VllmWire.ParsedReasoning, string.Concat(message.Contents.OfType<TextReasoningContent>().Select(r => r.Text)));
        Assert.Equal(VllmWire.ParsedContent, response.Text);
        var call = Assert.Single(message.Contents.OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]);
        Assert.Equal(2L, call.Arguments!["days"]);
        Assert.Null(call.Exception);
        if (serverIds) Assert.Equal(VllmWire.ServerCallId, call.CallId);
        else Assert.StartsWith("call_", call.CallId);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(VllmWire.Id, response.ResponseId);
        Assert.Equal(VllmWire.Id, message.MessageId);
        Assert.Equal(VllmWire.Model, response.ModelId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(VllmWire.Created), message.CreatedAt);
        Assert.NotNull(response.Usage);
        Assert.Equal(120, response.Usage!.InputTokenCount);
        Assert.Equal(30, response.Usage.OutputTokenCount);
        Assert.Equal(150, response.Usage.TotalTokenCount);
        Assert.Equal(64, response.Usage.CachedInputTokenCount);
    }

    // (1) non-streaming, server-side parsing

    [Fact]
    public async Task Non_streaming_reasoning_content_and_tool_calls_parsed_by_the_server_become_typed_contents()
    {
        await using var server = new FakeChatServer(new BodyReply(200, VllmWire.ParsedToolTurn()));
        using var client = Client(server);
        var response = await client.GetResponseAsync(Ask(), ToolOptions);
        AssertToolTurn(response, serverIds: true);
        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        Assert.Null(request.Json["stream"]);
    }

    // (2) streaming SSE, server-side parsing

    [Fact]
    public async Task Streaming_reasoning_content_and_tool_call_deltas_arrive_as_they_come_with_one_final_usage_update()
    {
        await using var server = new FakeChatServer(new SseReply(VllmWire.ParsedToolTurnChunks()));
        using var client = Client(server);
        var updates = await StreamAsync(client, Ask(), ToolOptions);

        Assert.All(updates, u => Assert.Equal(VllmWire.Id, u.MessageId));
        Assert.All(updates, u => Assert.Equal(VllmWire.Id, u.ResponseId));
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        Assert.All(updates, u => Assert.Equal(VllmWire.Model, u.ModelId));
        // reasoning and content deltas one by one, as the server sent them
        Assert.Equal(["Need", " the weather."], updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        Assert.Equal(["\nI'll check", " the weather.\n"], updates.SelectMany(u => u.Contents).OfType<TextContent>().Select(t => t.Text));
        // the call once complete, before the final update; exactly one usage, on the last update with the finish reason
        int callAt = updates.FindIndex(u => u.Contents.OfType<FunctionCallContent>().Any());
        Assert.Equal(updates.Count - 2, callAt);
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.IsType<UsageContent>(Assert.Single(updates[^1].Contents));
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);

        var merged = updates.ToChatResponse();
        AssertToolTurn(merged, serverIds: true);

        var body = Assert.Single(server.Requests).Json;
        Assert.True((bool)body["stream"]!);
        Assert.True((bool)body["stream_options"]!["include_usage"]!);
    }

    [Fact]
    public async Task Streaming_merges_into_the_same_response_as_non_streaming_for_the_same_payload()
    {
        await using var whole = new FakeChatServer(new BodyReply(200, VllmWire.ParsedToolTurn()));
        await using var stream = new FakeChatServer(new SseReply(VllmWire.ParsedToolTurnChunks()));
        using var a = Client(whole);
        using var b = Client(stream);
        var expected = await a.GetResponseAsync(Ask(), ToolOptions);
        var merged = (await StreamAsync(b, Ask(), ToolOptions)).ToChatResponse();
        Assert.Equal(Describe(expected), Describe(merged));
    }

    // (3) a server that did not parse: raw <think> and <tool_call> markup in the content

    [Fact]
    public async Task Raw_markup_from_a_server_without_parsers_gives_the_same_response_non_streaming_and_streaming()
    {
        await using var parsed = new FakeChatServer(new BodyReply(200, VllmWire.ParsedToolTurn()));
        await using var rawWhole = new FakeChatServer(new BodyReply(200, VllmWire.RawToolTurnCompletion()));
        using var p = Client(parsed);
        using var w = Client(rawWhole);
        string reference = Describe(await p.GetResponseAsync(Ask(), ToolOptions), callIds: false);

        var fromRaw = await w.GetResponseAsync(Ask(), ToolOptions);
        AssertToolTurn(fromRaw, serverIds: false);
        Assert.Equal(reference, Describe(fromRaw, callIds: false));

        foreach (int size in new[] { 1, 3, 5, 17, 1000 })
        {
            await using var rawStream = new FakeChatServer(new SseReply(VllmWire.RawToolTurnChunks(size)));
            using var s = Client(rawStream);
            var updates = await StreamAsync(s, Ask(), ToolOptions);
            var merged = updates.ToChatResponse();
            AssertToolTurn(merged, serverIds: false);
            Assert.Equal(reference, Describe(merged, callIds: false));
            Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
            Assert.Single(updates.Select(u => u.MessageId).Distinct());
        }
    }

    [Fact]
    public async Task Raw_markup_streams_reasoning_before_the_output_ends_and_the_call_as_soon_as_it_closes()
    {
        await using var server = new FakeChatServer(new SseReply(VllmWire.RawToolTurnChunks(4)));
        using var client = Client(server);
        var updates = await StreamAsync(client, Ask(), ToolOptions);
        int firstReasoning = updates.FindIndex(u => u.Contents.OfType<TextReasoningContent>().Any());
        int firstText = updates.FindIndex(u => u.Contents.Any(c => c is TextContent));
        int call = updates.FindIndex(u => u.Contents.OfType<FunctionCallContent>().Any());
        Assert.True(firstReasoning >= 0 && firstReasoning < firstText && firstText < call && call < updates.Count - 1);
        Assert.True(updates.Count(u => u.Contents.OfType<TextReasoningContent>().Any()) > 1, "reasoning streamed in several deltas");
    }

    [Fact]
    public async Task A_server_with_only_a_reasoning_parser_gets_its_tool_calls_parsed_here()
    {
        string content = VllmWire.ParsedContent + "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n<arg_key>days</arg_key>\n<arg_value>2</arg_value>\n</tool_call>";
        var chunks = new List<string>
        {
            VllmWire.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }),
            VllmWire.Chunk(new JsonObject { ["reasoning_content"] = VllmWire.ParsedReasoning }),
        };
        for (int i = 0; i < content.Length; i += 7) chunks.Add(VllmWire.Chunk(new JsonObject { ["content"] = content.Substring(i, Math.Min(7, content.Length - i)) }));
        chunks.AddRange([VllmWire.Chunk(new JsonObject(), "stop"), VllmWire.UsageChunk(), VllmWire.Done]);
        await using var server = new FakeChatServer(new SseReply(chunks));
        using var client = Client(server);
        var updates = await StreamAsync(client, Ask(), ToolOptions);
        AssertToolTurn(updates.ToChatResponse(), serverIds: false);
        // content was not held back waiting for a <think> tag: the first text came before the end
        int firstText = updates.FindIndex(u => u.Contents.Any(c => c is TextContent));
        Assert.True(firstText < updates.Count - 3);
    }

    [Fact]
    public async Task Newer_vllm_reasoning_field_is_read_once_whether_or_not_reasoning_content_repeats_it()
    {
        var both = new List<string>
        {
            VllmWire.Chunk(new JsonObject { ["reasoning"] = "Need", ["reasoning_content"] = "Need" }),
            VllmWire.Chunk(new JsonObject { ["reasoning"] = " the weather.", ["reasoning_content"] = " the weather." }),
            VllmWire.Chunk(new JsonObject { ["content"] = "\nSunny." }),
            VllmWire.Chunk(new JsonObject(), "stop"), VllmWire.UsageChunk(), VllmWire.Done,
        };
        var only = both.Select(c => c.Replace(",\"reasoning_content\":\"Need\"", "").Replace(",\"reasoning_content\":\" the weather.\"", "")).ToList();
        Assert.DoesNotContain("reasoning_content", string.Concat(only));
        foreach (var chunks in new[] { both, only })
        {
            await using var server = new FakeChatServer(new SseReply(chunks));
            using var client = Client(server);
            var response = (await StreamAsync(client, Ask())).ToChatResponse();
            Assert.Equal("Need the weather.", string.Concat(response.Messages[0].Contents.OfType<TextReasoningContent>().Select(r => r.Text)));
            Assert.Equal("\nSunny.", response.Text);
            Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        }
    }

    [Fact]
    public async Task A_malformed_or_unterminated_tool_call_in_raw_content_comes_back_as_text()
    {
        const string raw = "Sure.<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Par";
        await using var server = new FakeChatServer(new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = raw }, "length")));
        using var client = Client(server);
        var response = await client.GetResponseAsync(Ask(), new ChatOptions { Tools = [Weather], Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } });
        Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(raw, response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);

        const string noNewline = "<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value></tool_call>";
        await using var server2 = new FakeChatServer(new SseReply([VllmWire.Chunk(new JsonObject { ["content"] = noNewline }), VllmWire.Chunk(new JsonObject(), "stop"), VllmWire.Done]));
        using var client2 = Client(server2);
        var streamed = (await StreamAsync(client2, Ask(), new ChatOptions { Tools = [Weather], Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } })).ToChatResponse();
        Assert.Empty(streamed.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(noNewline, streamed.Text);
        Assert.Equal(ChatFinishReason.Stop, streamed.FinishReason);
        Assert.Null(streamed.Usage); // the server sent none: nothing is made up
    }

    [Fact]
    public async Task Parallel_server_tool_calls_keep_their_ids_and_order_and_bad_arguments_are_reported_on_the_call()
    {
        var chunks = new List<string>
        {
            VllmWire.Chunk(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "call-a", ["type"] = "function", ["index"] = 0, ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = "" } }) }),
            VllmWire.ArgumentsChunk(0, "{\"city\": \"Oslo\", \"days\": [1, 2], \"x\": {\"k\": true}}"),
            VllmWire.Chunk(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "call-b", ["type"] = "function", ["index"] = 1, ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = "" } }) }),
            VllmWire.ArgumentsChunk(1, "{\"city\": \"Rome\""),
            VllmWire.Chunk(new JsonObject(), "tool_calls"),
            VllmWire.UsageChunk(VllmWire.Usage(cached: null)),
            VllmWire.Done,
        };
        await using var server = new FakeChatServer(new SseReply(chunks));
        using var client = Client(server);
        var updates = await StreamAsync(client, Ask(), ToolOptions);
        var calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call-a", "call-b"], calls.Select(c => c.CallId));
        Assert.Equal("Oslo", calls[0].Arguments!["city"]);
        Assert.Equal("[1,2]", ((JsonElement)calls[0].Arguments!["days"]!).GetRawText().Replace(" ", ""));
        Assert.True(((JsonElement)calls[0].Arguments!["x"]!).GetProperty("k").GetBoolean());
        Assert.NotNull(calls[1].Exception); // truncated JSON: the call is returned with the parse error, for the caller to report
        // the first call is out as soon as the second one starts, before the finish chunk
        Assert.True(updates.FindIndex(u => u.Contents.OfType<FunctionCallContent>().Any(c => c.CallId == "call-a"))
                    < updates.FindIndex(u => u.Contents.OfType<FunctionCallContent>().Any(c => c.CallId == "call-b")));
        var merged = updates.ToChatResponse();
        Assert.Null(merged.Usage!.CachedInputTokenCount);
        Assert.Equal(ChatFinishReason.ToolCalls, merged.FinishReason);
    }

    [Fact]
    public async Task A_server_parsed_call_cut_off_by_the_length_limit_comes_back_as_text_and_is_never_invoked()
    {
        static JsonObject Call(string id, int index) => new()
        {
            ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = id, ["type"] = "function", ["index"] = index, ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = "" } }),
        };
        var streamed = new SseReply(
        [
            VllmWire.Chunk(Call("call-a", 0)),
            VllmWire.ArgumentsChunk(0, "{\"city\": \"Oslo\"}"),
            VllmWire.Chunk(Call("call-b", 1)),
            VllmWire.ArgumentsChunk(1, "{\"city\": \"Ro"),
            VllmWire.Chunk(new JsonObject(), "length"),
            VllmWire.Done,
        ]);
        var whole = new BodyReply(200, VllmWire.Completion(new JsonObject
        {
            ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "call-b", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = "{\"city\": \"Ro" } }),
        }, "length"));
        var invoked = new List<string>();
        var weather = AIFunctionFactory.Create((string city) => { invoked.Add(city); return "sunny"; }, "get_weather");
        var options = new ChatOptions { Tools = [weather] };

        await using (var server = new FakeChatServer((_, i) => i < 2 ? streamed : new SseReply([VllmWire.Chunk(new JsonObject { ["content"] = "done" }, "stop"), VllmWire.Done])))
        {
            using var client = Client(server);
            var updates = await StreamAsync(client, Ask(), options);
            var calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
            Assert.Equal(["call-a"], calls.Select(c => c.CallId));                         // the whole call stays a call
            Assert.Contains("<tool_call>get_weather\n{\"city\": \"Ro", updates.ToChatResponse().Text); // the cut one is text

            // Through function invocation: only the complete call runs.
            using var invoking = new ChatClientBuilder(Client(server)).UseFunctionInvocation().Build();
            await StreamAsync(invoking, Ask(), options);
            Assert.Equal(["Oslo"], invoked);
            Assert.Equal(3, server.Requests.Count);                                          // the call's result went back once
        }

        await using (var server = new FakeChatServer(whole))
        {
            using var client = Client(server);
            var response = await client.GetResponseAsync(Ask(), options);
            Assert.Empty(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.Equal(ChatFinishReason.Length, response.FinishReason);
            Assert.Contains("{\"city\": \"Ro", response.Text);
        }
    }

    // (4) what the server receives

    [Fact]
    public async Task The_request_body_carries_the_glm_extras_sampling_tools_and_images()
    {
        await using var server = new FakeChatServer(new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = "ok" }, "stop")));
        using var client = Client(server);
        var options = new ChatOptions
        {
            Temperature = 0.6f, TopP = 0.9f, TopK = 2, MaxOutputTokens = 256, StopSequences = ["END"], Seed = 7, Instructions = "Be brief.",
            Tools = [Weather], ToolMode = ChatToolMode.Auto,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None },
            AdditionalProperties = new() { ["repetition_penalty"] = 1.1, ["max_pixels"] = 1003520L, ["cache_salt"] = "tenant-a" },
        };
        string before = JsonSerializer.Serialize(options, AIJsonUtilities.DefaultOptions);
        var messages = new List<ChatMessage>
        {
            new(ChatRole.User, [new DataContent(FakePng, "image/png"), new UriContent(new Uri("https://example.com/cat.jpg"), "image/jpeg"), new TextContent("What is this?")]),
        };
        var response = await client.GetResponseAsync(messages, options);
        Assert.Equal("ok", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(before, JsonSerializer.Serialize(options, AIJsonUtilities.DefaultOptions));

        var body = Assert.Single(server.Requests).Json;
        Assert.Equal(VllmWire.Model, (string?)body["model"]);
        Assert.False((bool)body["skip_special_tokens"]!);
        Assert.False((bool)body["chat_template_kwargs"]!["enable_thinking"]!);
        Assert.Equal(0.6, (double)body["temperature"]!, 5);
        Assert.Equal(0.9, (double)body["top_p"]!, 5);
        Assert.Equal(2, (int)body["top_k"]!);
        Assert.Equal(256, (int)body["max_tokens"]!);
        Assert.Equal(7, (long)body["seed"]!);
        Assert.Equal(["END"], body["stop"]!.AsArray().Select(s => (string?)s));
        Assert.Equal(1.1, (double)body["repetition_penalty"]!, 5);
        Assert.Equal("tenant-a", (string)body["cache_salt"]!);
        Assert.Equal(1003520, (long)body["mm_processor_kwargs"]!["size"]!["longest_edge"]!);
        Assert.Equal(12544, (long)body["mm_processor_kwargs"]!["size"]!["shortest_edge"]!);
        Assert.Equal("auto", (string?)body["tool_choice"]);

        var tool = Assert.Single(body["tools"]!.AsArray())!;
        Assert.Equal("function", (string?)tool["type"]);
        Assert.Equal("get_weather", (string?)tool["function"]!["name"]);
        Assert.Equal("Weather forecast", (string?)tool["function"]!["description"]);
        Assert.Equal("string", (string?)tool["function"]!["parameters"]!["properties"]!["city"]!["type"]);
        Assert.Equal("integer", (string?)tool["function"]!["parameters"]!["properties"]!["days"]!["type"]);

        var sent = body["messages"]!.AsArray();
        Assert.Equal(2, sent.Count);
        Assert.Equal("system", (string?)sent[0]!["role"]);
        Assert.Equal("Be brief.", (string?)sent[0]!["content"]);
        Assert.Equal("user", (string?)sent[1]!["role"]);
        var parts = sent[1]!["content"]!.AsArray();
        Assert.Equal("image_url", (string?)parts[0]!["type"]);
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(FakePng), (string?)parts[0]!["image_url"]!["url"]);
        Assert.Equal("https://example.com/cat.jpg", (string?)parts[1]!["image_url"]!["url"]);
        Assert.Equal(new JsonObject { ["type"] = "text", ["text"] = "What is this?" }.ToJsonString(), parts[2]!.ToJsonString());
        Assert.DoesNotContain("\\u002B", server.Requests[0].Body); // base64 '+' is not escaped
    }

    [Fact]
    public async Task Thinking_defaults_on_and_the_additional_property_wins_over_reasoning_effort()
    {
        await using var server = new FakeChatServer(new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = "ok" }, "stop")));
        using var client = Client(server);
        await client.GetResponseAsync(Ask());
        await client.GetResponseAsync(Ask(), new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None }, AdditionalProperties = new() { ["enable_thinking"] = true } });
        await client.GetResponseAsync(Ask(), new ChatOptions { AdditionalProperties = new() { ["enable_thinking"] = false, ["chat_template_kwargs"] = new Dictionary<string, object?> { ["foo"] = 1 }, ["extra_body"] = new Dictionary<string, object?> { ["priority"] = 5 } } });
        var bodies = server.Requests.Select(r => r.Json).ToList();
        Assert.True((bool)bodies[0]["chat_template_kwargs"]!["enable_thinking"]!);
        Assert.Null(bodies[0]["tools"]);
        Assert.Null(bodies[0]["temperature"]);
        Assert.True((bool)bodies[1]["chat_template_kwargs"]!["enable_thinking"]!);
        Assert.False((bool)bodies[2]["chat_template_kwargs"]!["enable_thinking"]!);
        Assert.Equal(1, (int)bodies[2]["chat_template_kwargs"]!["foo"]!);
        Assert.Equal(5, (int)bodies[2]["priority"]!);
    }

    [Fact]
    public async Task A_tool_that_returns_an_image_is_sent_as_tool_text_plus_a_following_user_image_message()
    {
        var snapshot = AIFunctionFactory.Create(() => new DataContent(FakePng, "image/png"), "take_snapshot", "Takes a picture");
        var captioned = AIFunctionFactory.Create(() => (IEnumerable<AIContent>)[new TextContent("front door"), new UriContent(new Uri("https://example.com/door.png"), "image/png")], "door_camera", "Door camera");
        var firstTurn = VllmWire.Completion(new JsonObject
        {
            ["content"] = null,
            ["reasoning_content"] = "I should look.",
            ["tool_calls"] = new JsonArray(VllmWire.ServerToolCall("chatcmpl-tool-1", "take_snapshot", "{}"), VllmWire.ServerToolCall("chatcmpl-tool-2", "door_camera", "{}")),
        }, "tool_calls");
        var secondTurn = VllmWire.Completion(new JsonObject { ["content"] = "A gradient and a door.", ["reasoning_content"] = "Both seen." }, "stop");
        await using var server = new FakeChatServer((_, n) => new BodyReply(200, n == 0 ? firstTurn : secondTurn));
        using var client = new ChatClientBuilder(Client(server)).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync(Ask("What do you see?"), new ChatOptions { Tools = [snapshot, captioned] });
        Assert.Equal("A gradient and a door.", response.Text);
        Assert.Equal(2, server.Requests.Count);

        var sent = server.Requests[1].Json["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool", "tool", "user"], sent.Select(m => (string?)m!["role"]));
        var assistant = sent[1]!;
        Assert.Null(assistant["content"]);
        Assert.Equal("I should look.", (string?)assistant["reasoning_content"]);
        Assert.Equal(["chatcmpl-tool-1", "chatcmpl-tool-2"], assistant["tool_calls"]!.AsArray().Select(c => (string?)c!["id"]));
        Assert.Equal("{}", (string?)assistant["tool_calls"]![0]!["function"]!["arguments"]);
        Assert.Equal("chatcmpl-tool-1", (string?)sent[2]!["tool_call_id"]);
        Assert.Equal(Remote.RemoteRequestBuilder.MediaOnlyToolResult, (string?)sent[2]!["content"]);
        Assert.Equal("chatcmpl-tool-2", (string?)sent[3]!["tool_call_id"]);
        Assert.Equal("front door", (string?)sent[3]!["content"]);
        var follow = sent[4]!["content"]!.AsArray();
        Assert.Equal(["text", "image_url", "text", "image_url"], follow.Select(p => (string?)p!["type"]));
        Assert.Equal("Returned by the take_snapshot tool call:", (string?)follow[0]!["text"]);
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(FakePng), (string?)follow[1]!["image_url"]!["url"]);
        Assert.Equal("Returned by the door_camera tool call:", (string?)follow[2]!["text"]);
        Assert.Equal("https://example.com/door.png", (string?)follow[3]!["image_url"]!["url"]);
    }

    [Fact]
    public async Task A_serialized_DataContent_result_and_plain_results_are_mapped_and_media_follows_only_the_tool_run()
    {
        await using var server = new FakeChatServer(new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = "ok" }, "stop")));
        using var client = Client(server);
        var serialized = JsonSerializer.SerializeToElement<AIContent>(new DataContent(FakePng, "image/png"), AIJsonUtilities.DefaultOptions);
        var messages = new List<ChatMessage>
        {
            new(ChatRole.User, "go"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "shot", new Dictionary<string, object?> { ["zoom"] = 2 }), new FunctionCallContent("c2", "count")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", serialized)]),
            new(ChatRole.Tool, [new FunctionResultContent("c2", JsonSerializer.SerializeToElement(new { n = 3 }))]),
            new(ChatRole.User, "and now?"),
        };
        await client.GetResponseAsync(messages);
        var sent = server.Requests[0].Json["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "tool", "tool", "user", "user"], sent.Select(m => (string?)m!["role"]));
        Assert.Equal("{\"zoom\":2}", (string?)sent[1]!["tool_calls"]![0]!["function"]!["arguments"]);
        Assert.Equal("{\"n\":3}", (string?)sent[3]!["content"]);
        Assert.Equal("Returned by the shot tool call:", (string?)sent[4]!["content"]![0]!["text"]);
        Assert.StartsWith("data:image/png;base64,", (string?)sent[4]!["content"]![1]!["image_url"]!["url"]);
        Assert.Equal("and now?", (string?)sent[5]!["content"]);
    }

    [Fact]
    public async Task The_zai_dialect_switches_thinking_with_the_thinking_field_and_sends_no_vllm_extras()
    {
        await using var server = new FakeChatServer(new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = "ok" }, "stop")));
        using var client = Client(server, new Glm4vRemoteOptions { Dialect = Glm4vServerDialect.ZaiApi });
        await client.GetResponseAsync(Ask(), new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None }, TopK = 3 });
        var body = server.Requests[0].Json;
        Assert.Equal("disabled", (string?)body["thinking"]!["type"]);
        Assert.Null(body["skip_special_tokens"]);
        Assert.Null(body["chat_template_kwargs"]);
        Assert.Null(body["top_k"]);
    }

    [Fact]
    public async Task Tool_modes_response_format_and_unsupported_inputs()
    {
        await using var server = new FakeChatServer(new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = "{}" }, "stop")));
        using var client = Client(server);
        await client.GetResponseAsync(Ask(), new ChatOptions { Tools = [Weather], ToolMode = ChatToolMode.RequireSpecific("get_weather"), AllowMultipleToolCalls = false });
        await client.GetResponseAsync(Ask(), new ChatOptions { Tools = [Weather], ToolMode = ChatToolMode.None, ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("{\"type\":\"object\"}").RootElement, "answer") });
        var first = server.Requests[0].Json;
        Assert.Equal("get_weather", (string?)first["tool_choice"]!["function"]!["name"]);
        Assert.False((bool)first["parallel_tool_calls"]!);
        var second = server.Requests[1].Json;
        Assert.Null(second["tools"]);
        Assert.Equal("json_schema", (string?)second["response_format"]!["type"]);
        Assert.Equal("answer", (string?)second["response_format"]!["json_schema"]!["name"]);

        await Assert.ThrowsAsync<Glm4vSK.LocalEngine.InvalidMediaException>(() =>
            client.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(FakePng, "application/pdf")])]));
        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(Ask(), new ChatOptions { Tools = [new HostedWebSearchTool()] }));
        Assert.Equal(2, server.Requests.Count); // refused before sending
    }

    // (5) errors

    [Theory]
    [InlineData(400, "{\"object\":\"error\",\"message\":\"This model's maximum context length is 131072 tokens. However, you requested 200000 tokens.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}", "maximum context length is 131072 tokens")]
    [InlineData(500, "{\"error\":{\"message\":\"EngineCore encountered an issue.\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}", "EngineCore encountered an issue.")]
    [InlineData(400, "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"messages\"],\"msg\":\"Field required\"}]}", "Field required")]
    [InlineData(503, "upstream overloaded", "upstream overloaded")]
    public async Task Http_errors_become_an_exception_with_the_status_and_the_servers_message(int status, string body, string expected)
    {
        await using var server = new FakeChatServer(new BodyReply(status, body, body.StartsWith('{') ? "application/json" : "text/plain"));
        using var client = Client(server);
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(() => client.GetResponseAsync(Ask()));
        Assert.Equal((HttpStatusCode)status, e.StatusCode);
        Assert.Contains(expected, e.ServerMessage);
        Assert.Contains(expected, e.Message);
        Assert.Contains(status.ToString(), e.Message);

        var s = await Assert.ThrowsAsync<Glm4vRemoteException>(async () => await StreamAsync(client, Ask()));
        Assert.Equal((HttpStatusCode)status, s.StatusCode);
        Assert.Contains(expected, s.ServerMessage);
    }

    [Fact]
    public async Task An_error_event_inside_the_stream_and_a_stream_cut_short_are_errors()
    {
        await using var server = new FakeChatServer((_, n) => n == 0
            ? new SseReply([VllmWire.Chunk(new JsonObject { ["content"] = "Hel" }), "{\"error\":{\"message\":\"Request aborted: out of KV cache\",\"type\":\"InternalServerError\",\"code\":500}}"])
            : new SseReply([VllmWire.Chunk(new JsonObject { ["content"] = "Hel" })]));
        using var client = Client(server);
        var e = await Assert.ThrowsAsync<Glm4vRemoteException>(async () => await StreamAsync(client, Ask()));
        Assert.Contains("out of KV cache", e.Message);
        Assert.Null(e.StatusCode);
        var cut = await Assert.ThrowsAsync<Glm4vRemoteException>(async () => await StreamAsync(client, Ask()));
        Assert.Contains("closed the stream", cut.Message);
    }

    // (6) cancellation

    [Fact]
    public async Task Cancelling_mid_stream_stops_at_once_and_closes_the_connection()
    {
        await using var server = new FakeChatServer(new SseReply(
            [VllmWire.Chunk(new JsonObject { ["reasoning_content"] = "Thinking" }), VllmWire.Chunk(new JsonObject { ["reasoning_content"] = " hard" })], Hang: true));
        using var client = Client(server);
        using var cts = new CancellationTokenSource();
        var seen = new List<ChatResponseUpdate>();
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var u in client.GetStreamingResponseAsync(Ask(), null, cts.Token))
            {
                seen.Add(u);
                if (seen.Count == 2) cts.Cancel(); // the server now sends nothing more: the pending read must be aborted
            }
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {clock.Elapsed}");
        Assert.Equal("Thinking hard", string.Concat(seen.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text)));
        var gone = await Task.WhenAny(server.ClientGone, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(server.ClientGone, gone);
    }

    [Fact]
    public async Task A_cancelled_token_stops_a_non_streaming_request()
    {
        await using var server = new FakeChatServer(new SseReply([], Hang: true));
        using var client = Client(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Ask(), null, cts.Token));
    }

    // client surface

    [Fact]
    public async Task Metadata_service_lookup_and_the_factory()
    {
        using var client = Glm4vChatClient.ForEndpoint(new Uri("http://127.0.0.1:1/v1/"), null, "glm-4.6v");
        var remote = Assert.IsType<Glm4vRemoteChatClient>(client);
        Assert.Equal(new Uri("http://127.0.0.1:1/v1/chat/completions"), remote.ChatCompletionsEndpoint);
        var meta = client.GetService<ChatClientMetadata>()!;
        Assert.Equal("glm4v-remote", meta.ProviderName);
        Assert.Equal(new Uri("http://127.0.0.1:1/v1/"), meta.ProviderUri);
        Assert.Equal("glm-4.6v", meta.DefaultModelId);
        Assert.Null(client.GetService(typeof(ChatClientMetadata), "key"));
        Assert.Same(client, client.GetService<Glm4vRemoteChatClient>());
        Assert.Null(client.GetService<string>());
        Assert.Throws<ArgumentNullException>(() => client.GetService(null!));
        Assert.Throws<ArgumentException>(() => Glm4vChatClient.ForEndpoint(new Uri("ftp://x/"), null, "m"));
        Assert.Equal(new Uri("https://api.z.ai/api/paas/v4/chat/completions"),
            new Glm4vRemoteChatClient(new Uri("https://api.z.ai/api/paas/v4/chat/completions"), "k", "glm-4.6v").ChatCompletionsEndpoint);

        // no key → no Authorization header
        await using var server = new FakeChatServer(new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = "ok" }, "stop")));
        using var anonymous = Glm4vChatClient.ForEndpoint(server.BaseUri, null, "m");
        await anonymous.GetResponseAsync(Ask());
        Assert.False(server.Requests[0].Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Concurrent_requests_on_one_client_each_get_their_own_answer()
    {
        await using var server = new FakeChatServer((request, _) =>
        {
            string question = (string)request.Json["messages"]![0]!["content"]!;
            return request.Json["stream"] is null
                ? new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = "echo " + question }, "stop", id: "id-" + question))
                : new SseReply([VllmWire.Chunk(new JsonObject { ["content"] = "echo " }, id: "id-" + question), VllmWire.Chunk(new JsonObject { ["content"] = question }, "stop", id: "id-" + question), VllmWire.Done]);
        });
        using var client = Client(server);
        var tasks = Enumerable.Range(0, 12).Select(async i =>
        {
            string q = "q" + i;
            var r = i % 2 == 0 ? await client.GetResponseAsync(Ask(q)) : (await StreamAsync(client, Ask(q))).ToChatResponse();
            Assert.Equal("echo " + q, r.Text);
            Assert.Equal("id-" + q, r.ResponseId);
        });
        await Task.WhenAll(tasks);
        Assert.Equal(12, server.Requests.Count);
    }
}
