using System.Text.Json;

namespace Glm4vSK.Formats;

/// <summary>How a GLM output is to be split (reasoning, content, tool calls).</summary>
public sealed record GlmParserOptions
{
    /// <summary>
    /// Whether the request had thinking on (<c>enable_thinking</c>, on by default for GLM-4.5V/4.6V; always on for
    /// GLM-4.1V-Thinking). On: an unterminated <c>&lt;think&gt;</c> block is reasoning (current vLLM). Off: the output is
    /// content, except a complete leading <c>&lt;think&gt;…&lt;/think&gt;</c> block.
    /// Streaming with thinking on holds text back until the first <c>&lt;think&gt;</c>/<c>&lt;/think&gt;</c> decides its
    /// role (GLM emits <c>&lt;think&gt;</c> first, so normally one token); an output without any think tag is content and
    /// arrives at <see cref="GlmStreamingParser.Complete"/>. Set this to false for <c>enable_thinking=false</c> requests
    /// so that content streams at once.
    /// </summary>
    public bool ThinkingEnabled { get; init; } = true;

    /// <summary>
    /// The prompt already ended with <c>&lt;think&gt;</c> (a template or assistant prefix that opens the think block), so
    /// the output starts as reasoning. Only meaningful with <see cref="ThinkingEnabled"/>.
    /// </summary>
    public bool PromptEndsInsideThink { get; init; }

    /// <summary>Tool name → JSON schema of its parameters; a property of type <c>"string"</c> keeps its raw value.</summary>
    public IReadOnlyDictionary<string, JsonElement>? ToolSchemas { get; init; }

    /// <summary>Whether <c>&lt;tool_call&gt;</c> blocks are parsed (otherwise they are content).</summary>
    public bool ParseToolCalls { get; init; } = true;

    /// <summary>
    /// GLM-4.1V-Thinking / AutoGLM-Phone: the content is the text inside the first <c>&lt;answer&gt;…&lt;/answer&gt;</c>
    /// when there is one. Streaming then holds content back until <c>&lt;answer&gt;</c> arrives (or the output ends).
    /// </summary>
    public bool ExtractAnswer { get; init; }
}
