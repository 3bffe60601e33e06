using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

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
/// <para>Every field read is type-checked by <see cref="WireFields"/> (a wrong type or value throws
/// <see cref="MalformedFieldException"/> naming it). A call's <c>arguments</c> may be a JSON string (OpenAI) or an
/// object (some vLLM-compatible servers), streaming or not; one call's accumulated arguments are capped at
/// <paramref name="maxArguments"/> characters.</para>
/// <para>Not thread-safe; one per request.</para>
/// </remarks>
internal sealed class RemoteTurn(RemoteRequest request, long maxArguments)
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
    JsonElement? _raw;

    /// <summary>The chunk (streaming) or response body last read: every update made from it carries it as its <c>RawRepresentation</c>.</summary>
    public JsonElement? Raw => _raw;

    /// <summary>Whether a finish reason or usage (the end of a response) has been seen.</summary>
    public bool SawFinish => _finish is not null;

    /// <summary>
    /// Starts a chunk (or the whole response) at its <paramref name="root"/>: keeps it as <see cref="Raw"/> (a copy, which
    /// outlives the parsed document) and reads <c>id</c>, <c>created</c> and <c>model</c> (the first values seen win).
    /// </summary>
    public void Meta(JsonElement root)
    {
        _raw = root.Clone();
        string? id = WireFields.String(root, "id", "");
        DateTimeOffset? created = WireFields.UnixTime(root, "created", "");
        string? model = WireFields.String(root, "model", "");
        if (_responseId is null && id is { Length: > 0 }) _responseId = id;
        _createdAt ??= created;
        if (_model is null && model is { Length: > 0 }) _model = model;
    }

    /// <summary>
    /// One <c>delta</c> (streaming) or <c>message</c> (non-streaming, <paramref name="whole"/>) of choice 0 at
    /// <paramref name="path"/>, then its <c>finish_reason</c>.
    /// </summary>
    public void Choice(JsonElement choice, string path, bool whole, List<ChatResponseUpdate> sink)
    {
        string deltaPath = WireFields.Path(path, whole ? "message" : "delta");
        if (WireFields.Object(choice, whole ? "message" : "delta", path) is { } delta)
        {
            WireFields.String(delta, "role", deltaPath); // not used (always the assistant), but checked like every field
            // Newer vLLM sends the same text as both "reasoning" and "reasoning_content": read one of them.
            string? reasoningContent = WireFields.String(delta, "reasoning_content", deltaPath), alsoReasoning = WireFields.String(delta, "reasoning", deltaPath);
            if ((reasoningContent ?? alsoReasoning) is { } reasoning)
            {
                _serverReasoning = true;
                if (reasoning.Length > 0 && request.IncludeReasoning) sink.Add(Update(new TextReasoningContent(reasoning)));
            }
            if (WireFields.String(delta, "content", deltaPath) is { Length: > 0 } content) Map(Parser().Push(content), sink);
            if (WireFields.Array(delta, "tool_calls", deltaPath) is { } calls)
            {
                int position = 0;
                foreach (var call in calls.EnumerateArray())
                {
                    string callPath = $"{WireFields.Path(deltaPath, "tool_calls")}[{position}]";
                    WireFields.RequireObject(call, callPath);
                    int index = WireFields.Index(call, "index", callPath) ?? position;
                    position++;
                    ToolCallDelta(index, call, callPath, sink);
                }
            }
        }
        if (WireFields.String(choice, "finish_reason", path) is { } finish)
        {
            _finish = finish;
            if (finish == "length") EmitCutOffServerCallsAsText(sink);
            EmitServerCalls(int.MaxValue, sink);
        }
    }

    /// <summary>The <c>usage</c> object (OpenAI names, with <c>prompt_tokens_details.cached_tokens</c> and <c>completion_tokens_details.reasoning_tokens</c>).</summary>
    public void Usage(JsonElement usage)
    {
        long? input = WireFields.TokenCount(usage, "prompt_tokens", "usage"), output = WireFields.TokenCount(usage, "completion_tokens", "usage");
        long? total = WireFields.TokenCount(usage, "total_tokens", "usage");
        var promptDetails = WireFields.Object(usage, "prompt_tokens_details", "usage");
        var completionDetails = WireFields.Object(usage, "completion_tokens_details", "usage");
        _usage = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = total ?? (input + output),
            CachedInputTokenCount = promptDetails is { } pd ? WireFields.TokenCount(pd, "cached_tokens", "usage.prompt_tokens_details") : null,
            ReasoningTokenCount = completionDetails is { } cd ? WireFields.TokenCount(cd, "reasoning_tokens", "usage.completion_tokens_details") : null,
        };
    }

    /// <summary>Ends the turn: flushes the parser and the server's tool calls, then the final update (usage, finish reason).</summary>
    public void Complete(List<ChatResponseUpdate> sink)
    {
        if (_parser is not null) Map(_parser.Complete(), sink);
        if (_finish == "length") EmitCutOffServerCallsAsText(sink);
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

    void ToolCallDelta(int index, JsonElement call, string path, List<ChatResponseUpdate> sink)
    {
        EmitServerCalls(index, sink); // vLLM and SGLang stream calls one after another: a later index completes the earlier ones
        if (!_serverCalls.TryGetValue(index, out var state)) _serverCalls[index] = state = new ServerCall();
        if (WireFields.String(call, "id", path) is { Length: > 0 } id) state.Id ??= id;
        WireFields.String(call, "type", path); // not used (always "function"), but checked
        if (WireFields.Object(call, "function", path) is not { } function) return;
        string functionPath = WireFields.Path(path, "function");
        if (WireFields.String(function, "name", functionPath) is { Length: > 0 } name) state.Name ??= name;
        string argumentsPath = WireFields.Path(functionPath, "arguments");
        // OpenAI sends the arguments as a JSON string; some vLLM-compatible servers send the object itself: take its text.
        string? args = WireFields.Get(function, "arguments") switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } v => v.GetString(),
            { ValueKind: JsonValueKind.Object } v => v.GetRawText(),
            var v => throw WireFields.Wrong(argumentsPath, "a JSON string or an object", v.Value),
        };
        if (args is null) return;
        if (state.Arguments.Length + (long)args.Length > maxArguments)
            throw new MalformedFieldException(argumentsPath,
                $"passed Glm4vRemoteOptions.{nameof(Glm4vRemoteOptions.MaxResponseBytes)} ({maxArguments}) for one call; raise it if the server's calls are that large");
        state.Arguments.Append(args);
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

    /// <summary>
    /// A server-parsed call still open when the server stopped at the token limit whose arguments are not a whole JSON
    /// object was cut off: it comes back as text (the GLM opening tag, its name and the arguments received), never as a
    /// call to execute, as a cut-off call in raw markup does.
    /// </summary>
    void EmitCutOffServerCallsAsText(List<ChatResponseUpdate> sink)
    {
        foreach (var (index, call) in _serverCalls.ToList())
        {
            if (IsWholeJsonObject(call.Arguments.ToString())) continue;
            _serverCalls.Remove(index);
            sink.Add(Update(new TextContent($"{GlmTags.ToolCallStart}{call.Name}\n{call.Arguments}")));
        }
    }

    static bool IsWholeJsonObject(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = NestingLimit.MaxDepth });
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException) { return false; }
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
            RawRepresentation = _raw,
        };
    }

    static string NewCallId() => "call_" + Guid.NewGuid().ToString("N")[..24];
}
