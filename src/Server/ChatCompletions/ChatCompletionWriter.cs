using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.ChatCompletions;

/// <summary>
/// Writes chat completions in vLLM's wire format: one <c>chat.completion</c> object, or the
/// <c>chat.completion.chunk</c> objects of a stream (role chunk first; <c>delta.reasoning_content</c>,
/// <c>delta.content</c>, <c>delta.tool_calls</c> with index, id, type and name first and the arguments after; a chunk
/// with the finish reason; with <c>include_usage</c> a last chunk with empty <c>choices</c> and the usage).
/// </summary>
internal sealed class ChatCompletionWriter(string id, string model, long created)
{
    int _toolIndex;

    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    public static string FinishReason(ChatFinishReason? reason) =>
        reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : "stop";

    /// <summary>The whole response of a non-streaming request.</summary>
    public byte[] Completion(ChatResponse response)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            Header(w, "chat.completion");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            var contents = response.Messages.SelectMany(m => m.Contents).ToList();
            string text = string.Concat(contents.OfType<TextContent>().Select(t => t.Text));
            string reasoning = string.Concat(contents.OfType<TextReasoningContent>().Select(t => t.Text));
            var calls = contents.OfType<FunctionCallContent>().ToList();
            if (text.Length == 0 && calls.Count > 0) w.WriteNull("content");
            else w.WriteString("content", text);
            if (reasoning.Length > 0) w.WriteString("reasoning_content", reasoning);
            else w.WriteNull("reasoning_content");
            w.WriteStartArray("tool_calls");
            foreach (var call in calls) ToolCall(w, call, _toolIndex++, arguments: true, header: true);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", FinishReason(response.FinishReason));
            w.WriteEndObject();
            w.WriteEndArray();
            Usage(w, response.Usage);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The first chunk: the assistant role and empty content, as vLLM sends it.</summary>
    public byte[] RoleChunk() => Chunk(w =>
    {
        w.WriteString("role", "assistant");
        w.WriteString("content", "");
    });

    public byte[] ContentChunk(string text) => Chunk(w => w.WriteString("content", text));

    public byte[] ReasoningChunk(string text) => Chunk(w => w.WriteString("reasoning_content", text));

    /// <summary>A tool call as two chunks: its index, id, type and name (empty arguments), then its arguments.</summary>
    public IEnumerable<byte[]> ToolCallChunks(FunctionCallContent call)
    {
        int index = _toolIndex++;
        yield return Chunk(w => ToolCalls(w, call, index, arguments: false, header: true));
        yield return Chunk(w => ToolCalls(w, call, index, arguments: true, header: false));
    }

    public byte[] FinishChunk(ChatFinishReason? reason) => Chunk(_ => { }, FinishReason(reason));

    public byte[] UsageChunk(UsageDetails? usage)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            Header(w, "chat.completion.chunk");
            w.WriteStartArray("choices");
            w.WriteEndArray();
            Usage(w, usage);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    byte[] Chunk(Action<Utf8JsonWriter> delta, string? finish = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            Header(w, "chat.completion.chunk");
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            delta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            if (finish is null) w.WriteNull("finish_reason");
            else w.WriteString("finish_reason", finish);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    void Header(Utf8JsonWriter w, string type)
    {
        w.WriteString("id", id);
        w.WriteString("object", type);
        w.WriteNumber("created", created);
        w.WriteString("model", model);
    }

    static void ToolCalls(Utf8JsonWriter w, FunctionCallContent call, int index, bool arguments, bool header)
    {
        w.WriteStartArray("tool_calls");
        ToolCall(w, call, index, arguments, header);
        w.WriteEndArray();
    }

    static void ToolCall(Utf8JsonWriter w, FunctionCallContent call, int index, bool arguments, bool header)
    {
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (header)
        {
            w.WriteString("id", call.CallId);
            w.WriteString("type", "function");
        }
        w.WriteStartObject("function");
        if (header) w.WriteString("name", call.Name);
        w.WriteString("arguments", arguments ? ArgumentsJson(call) : "");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // MEAI's default options indent; arguments go on the wire compact, as OpenAI and vLLM send them.
    static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    static string ArgumentsJson(FunctionCallContent call) =>
        JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), Compact.GetTypeInfo(typeof(IDictionary<string, object?>)));

    static void Usage(Utf8JsonWriter w, UsageDetails? usage)
    {
        w.WriteStartObject("usage");
        long prompt = usage?.InputTokenCount ?? 0, completion = usage?.OutputTokenCount ?? 0;
        w.WriteNumber("prompt_tokens", prompt);
        w.WriteNumber("completion_tokens", completion);
        w.WriteNumber("total_tokens", usage?.TotalTokenCount ?? prompt + completion);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", usage?.CachedInputTokenCount ?? 0);
        w.WriteEndObject();
        if (usage?.ReasoningTokenCount is { } reasoning)
        {
            w.WriteStartObject("completion_tokens_details");
            w.WriteNumber("reasoning_tokens", reasoning);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>The error object: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
    public static byte[] Error(string message, string type, string? param, string? code)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            if (param is null) w.WriteNull("param"); else w.WriteString("param", param);
            if (code is null) w.WriteNull("code"); else w.WriteString("code", code);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
