using System.Text;
using System.Text.Json;
using Glm4vSK.Connector.Parsing;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Remote;

/// <summary>
/// Turns one chat-completions response, fed as deltas (a streamed chunk, or the whole message at once), into the
/// updates of one assistant turn. Non-streaming responses go through the same path, so both merge to the same
/// <see cref="ChatResponse"/>.
/// </summary>
/// <remarks>
/// <para>Reasoning the server separated (<c>reasoning_content</c>, or <c>reasoning</c>) → <see cref="TextReasoningContent"/>;
/// tool calls it parsed (<c>tool_calls</c>) → <see cref="FunctionCallContent"/> with the server's ids, each as soon as the
/// next call starts or the choice finishes. Content always runs through <see cref="GlmStreamingParser"/>, which
/// passes plain text through and, for a server without the glm45 parsers, splits <c>&lt;think&gt;</c> and parses
/// <c>&lt;tool_call&gt;</c> blocks (a malformed one stays text). The parser is made at the first content: with
/// thinking on only when the server has not already sent reasoning.</para>
/// <para>Not thread-safe; one per request.</para>
/// </remarks>
internal sealed class RemoteTurn(RemoteRequest request)
{
    sealed class ServerCall
    {
        public string? Id;
        public string? Name;
        public readonly StringBuilder Arguments = new();
    }

    readonly SortedDictionary<int, ServerCall> _serverCalls = [];
    GlmStreamingParser? _parser;
    bool _serverReasoning;
    string? _responseId;
    DateTimeOffset? _createdAt;
    string? _model;
    string? _finish;
    UsageDetails? _usage;
    int _calls;

    /// <summary>Whether a finish reason or usage (the end of a response) has been seen.</summary>
    public bool SawFinish => _finish is not null;

    /// <summary>Reads <c>id</c>, <c>created</c> and <c>model</c> (the first values seen win).</summary>
    public void Meta(JsonElement root)
    {
        if (_responseId is null && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } s)
            _responseId = s;
        if (_createdAt is null && root.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out long unix))
            _createdAt = DateTimeOffset.FromUnixTimeSeconds(unix);
        if (_model is null && root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String && model.GetString() is { Length: > 0 } m)
            _model = m;
    }

    /// <summary>
    /// One <c>delta</c> (streaming) or <c>message</c> (non-streaming, <paramref name="whole"/>) of choice 0, then its
    /// <c>finish_reason</c>.
    /// </summary>
    public void Choice(JsonElement choice, bool whole, List<ChatResponseUpdate> sink)
    {
        if (choice.TryGetProperty(whole ? "message" : "delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            // Newer vLLM sends the same text as both "reasoning" and "reasoning_content": read one of them.
            string? reasoning = String(delta, "reasoning_content") ?? String(delta, "reasoning");
            if (reasoning is not null)
            {
                _serverReasoning = true;
                if (reasoning.Length > 0 && request.IncludeReasoning) sink.Add(Update(new TextReasoningContent(reasoning)));
            }
            if (String(delta, "content") is { Length: > 0 } content) Map(Parser().Push(content), sink);
            if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                int position = 0;
                foreach (var call in calls.EnumerateArray())
                {
                    int index = call.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : position;
                    position++;
                    ToolCallDelta(index, call, sink);
                }
            }
        }
        if (String(choice, "finish_reason") is { } finish)
        {
            _finish = finish;
            EmitServerCalls(int.MaxValue, sink);
        }
    }

    /// <summary>The <c>usage</c> object (OpenAI names, with <c>prompt_tokens_details.cached_tokens</c> and <c>completion_tokens_details.reasoning_tokens</c>).</summary>
    public void Usage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object) return;
        long? input = Long(usage, "prompt_tokens"), output = Long(usage, "completion_tokens");
        _usage = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = Long(usage, "total_tokens") ?? (input + output),
            CachedInputTokenCount = usage.TryGetProperty("prompt_tokens_details", out var pd) && pd.ValueKind == JsonValueKind.Object ? Long(pd, "cached_tokens") : null,
            ReasoningTokenCount = usage.TryGetProperty("completion_tokens_details", out var cd) && cd.ValueKind == JsonValueKind.Object ? Long(cd, "reasoning_tokens") : null,
        };
    }

    /// <summary>Ends the turn: flushes the parser and the server's tool calls, then the final update (usage, finish reason).</summary>
    public void Complete(List<ChatResponseUpdate> sink)
    {
        if (_parser is not null) Map(_parser.Complete(), sink);
        EmitServerCalls(int.MaxValue, sink);
        var final = Update(_usage is null ? [] : [new UsageContent(_usage)]);
        final.FinishReason = _calls > 0 ? ChatFinishReason.ToolCalls : _finish switch
        {
            null or "stop" => ChatFinishReason.Stop,
            "length" => ChatFinishReason.Length,
            "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
            "content_filter" => ChatFinishReason.ContentFilter,
            var other => new ChatFinishReason(other),
        };
        sink.Add(final);
    }

    GlmStreamingParser Parser() =>
        _parser ??= new GlmStreamingParser(_serverReasoning ? request.Parser with { ThinkingEnabled = false } : request.Parser);

    void ToolCallDelta(int index, JsonElement call, List<ChatResponseUpdate> sink)
    {
        EmitServerCalls(index, sink); // vLLM and SGLang stream calls one after another: a later index completes the earlier ones
        if (!_serverCalls.TryGetValue(index, out var state)) _serverCalls[index] = state = new ServerCall();
        if (String(call, "id") is { Length: > 0 } id) state.Id ??= id;
        if (call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
        {
            if (String(function, "name") is { Length: > 0 } name) state.Name ??= name;
            if (String(function, "arguments") is { } args) state.Arguments.Append(args);
        }
    }

    void EmitServerCalls(int belowIndex, List<ChatResponseUpdate> sink)
    {
        while (_serverCalls.Count > 0)
        {
            var (index, call) = _serverCalls.First();
            if (index >= belowIndex) break;
            _serverCalls.Remove(index);
            if (string.IsNullOrWhiteSpace(call.Name)) continue;
            _calls++;
            sink.Add(Update(FunctionCallContent.CreateFromParsedArguments(call.Arguments.ToString(), call.Id ?? NewCallId(), call.Name, ParseArguments)));
        }
    }

    /// <summary>The arguments JSON → the same value types the GLM parser gives (string, long, double, bool, null, JsonElement).</summary>
    static Dictionary<string, object?> ParseArguments(string json)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return result;
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("The tool-call arguments are not a JSON object.");
        foreach (var p in doc.RootElement.EnumerateObject()) result[p.Name] = ToolArgumentValues.ToPublic(ToolArgumentValues.FromJson(p.Value));
        return result;
    }

    void Map(IReadOnlyList<GlmOutputEvent> events, List<ChatResponseUpdate> sink)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case ReasoningDelta r when request.IncludeReasoning && r.Text.Length > 0:
                    sink.Add(Update(new TextReasoningContent(r.Text)));
                    break;
                case ContentDelta c when c.Text.Length > 0:
                    sink.Add(Update(new TextContent(c.Text)));
                    break;
                case ToolCallCompleted call:
                    _calls++;
                    sink.Add(Update(new FunctionCallContent(NewCallId(), call.Name, new Dictionary<string, object?>(call.Arguments))));
                    break;
            }
        }
    }

    ChatResponseUpdate Update(AIContent content) => Update([content]);

    ChatResponseUpdate Update(IList<AIContent> contents)
    {
        _responseId ??= "chatcmpl-" + Guid.NewGuid().ToString("N");
        _createdAt ??= DateTimeOffset.UtcNow;
        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = _responseId,
            MessageId = _responseId, // one message per response: the response id serves as the message id (as MEAI's OpenAI client does)
            CreatedAt = _createdAt,
            ModelId = _model ?? request.Model,
        };
    }

    static string NewCallId() => "call_" + Guid.NewGuid().ToString("N")[..24];

    static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static long? Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : null;
}
