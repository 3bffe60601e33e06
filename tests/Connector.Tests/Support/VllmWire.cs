using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glm4vSK.Connector.Tests.Support;

/// <summary>
/// Chat-completions payloads in the shape vLLM's OpenAI server sends them (field names, nulls, the separate usage
/// chunk with empty <c>choices</c>, <c>[DONE]</c>), for GLM-4.6V served with and without the glm45 parsers.
/// </summary>
public static class VllmWire
{
    public const string Id = "chatcmpl-9f2c1e";
    public const string Model = "zai-org/GLM-4.6V";
    public const long Created = 1760000000;
    public const string ServerCallId = "chatcmpl-tool-5c1d0b";

    /// <summary>What GLM-4.6V writes (thinking on) when it decides to call a tool; the server's text without parsers.</summary>
    public const string RawToolTurn =
        "<think>Need the weather.</think>\nI'll check the weather.\n<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n<arg_key>days</arg_key>\n<arg_value>2</arg_value>\n</tool_call>";

    /// <summary>The same turn after vLLM's glm45 reasoning and tool parsers.</summary>
    public const string ParsedReasoning = "Need the weather.";
    public const string ParsedContent = "\nI'll check the weather.\n";
    public const string ParsedArguments = "{\"city\": \"Paris\", \"days\": 2}";

    public static JsonObject Usage(int prompt = 120, int completion = 30, int? cached = 64)
    {
        var usage = new JsonObject { ["prompt_tokens"] = prompt, ["total_tokens"] = prompt + completion, ["completion_tokens"] = completion };
        if (cached is { } c) usage["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = c };
        return usage;
    }

    /// <summary>A non-streaming <c>chat.completion</c>.</summary>
    public static string Completion(JsonObject message, string finishReason, JsonObject? usage = null, string id = Id)
    {
        message["role"] ??= "assistant";
        foreach (string key in new[] { "refusal", "annotations", "audio", "function_call" }) message.TryAdd(key, null);
        message.TryAdd("tool_calls", new JsonArray());
        var root = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = Created,
            ["model"] = Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finishReason, ["stop_reason"] = null,
            }),
            ["service_tier"] = null,
            ["system_fingerprint"] = null,
            ["usage"] = usage ?? Usage(),
            ["prompt_logprobs"] = null,
            ["kv_transfer_params"] = null,
        };
        return root.ToJsonString();
    }

    /// <summary>One <c>chat.completion.chunk</c> with a delta for choice 0.</summary>
    public static string Chunk(JsonObject delta, string? finishReason = null, string id = Id)
    {
        var choice = new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason };
        if (finishReason is not null) choice["stop_reason"] = null;
        return new JsonObject
        {
            ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = Created, ["model"] = Model,
            ["choices"] = new JsonArray(choice),
        }.ToJsonString();
    }

    /// <summary>The last chunk with <c>stream_options.include_usage</c>: no choices, the usage.</summary>
    public static string UsageChunk(JsonObject? usage = null, string id = Id) => new JsonObject
    {
        ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = Created, ["model"] = Model,
        ["choices"] = new JsonArray(), ["usage"] = usage ?? Usage(),
    }.ToJsonString();

    public const string Done = "[DONE]";

    public static JsonObject ServerToolCall(string id, string name, string arguments) => new()
    {
        ["id"] = id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
    };

    // ---- the tool turn, four ways ----

    /// <summary>Non-streaming, server with <c>--reasoning-parser glm45 --tool-call-parser glm45</c>.</summary>
    public static string ParsedToolTurn() => Completion(new JsonObject
    {
        ["content"] = ParsedContent,
        ["tool_calls"] = new JsonArray(ServerToolCall(ServerCallId, "get_weather", ParsedArguments)),
        ["reasoning_content"] = ParsedReasoning,
    }, "tool_calls");

    /// <summary>Streaming, server with the glm45 parsers: reasoning deltas, content deltas, tool-call deltas, finish, usage.</summary>
    public static List<string> ParsedToolTurnChunks() =>
    [
        Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }),
        Chunk(new JsonObject { ["reasoning_content"] = "Need" }),
        Chunk(new JsonObject { ["reasoning_content"] = " the weather." }),
        Chunk(new JsonObject { ["content"] = "\nI'll check" }),
        Chunk(new JsonObject { ["content"] = " the weather.\n" }),
        Chunk(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject
        {
            ["id"] = ServerCallId, ["type"] = "function", ["index"] = 0,
            ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = "" },
        }) }),
        ArgumentsChunk(0, "{\"city\": \"Par"),
        ArgumentsChunk(0, "is\""),
        ArgumentsChunk(0, ", \"days\": 2"),
        ArgumentsChunk(0, "}"),
        Chunk(new JsonObject(), "tool_calls"),
        UsageChunk(),
        Done,
    ];

    public static string ArgumentsChunk(int index, string fragment) => Chunk(new JsonObject
    {
        ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = index, ["function"] = new JsonObject { ["arguments"] = fragment } }),
    });

    /// <summary>Non-streaming, server without parsers (and <c>skip_special_tokens=false</c>): the raw markup is the content.</summary>
    public static string RawToolTurnCompletion() => Completion(new JsonObject { ["content"] = RawToolTurn }, "stop");

    /// <summary>Streaming, server without parsers: the raw markup in content deltas cut every <paramref name="size"/> characters (inside tags too).</summary>
    public static List<string> RawToolTurnChunks(int size = 5)
    {
        var chunks = new List<string> { Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }) };
        for (int i = 0; i < RawToolTurn.Length; i += size)
            chunks.Add(Chunk(new JsonObject { ["content"] = RawToolTurn.Substring(i, Math.Min(size, RawToolTurn.Length - i)) }));
        chunks.Add(Chunk(new JsonObject { ["content"] = "" }, "stop"));
        chunks.Add(UsageChunk());
        chunks.Add(Done);
        return chunks;
    }

    public static string Pretty(string json) => JsonSerializer.Serialize(JsonNode.Parse(json), new JsonSerializerOptions { WriteIndented = true });
}
