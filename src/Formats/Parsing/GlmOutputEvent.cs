namespace Glm4vSK.Formats;

/// <summary>One piece of parsed model output, as produced by <see cref="GlmStreamingParser"/>.</summary>
public abstract record GlmOutputEvent;

/// <summary>
/// Reasoning (thinking) text. <see cref="Text"/> is never empty, except for one <c>ReasoningDelta("")</c> that marks a
/// reasoning section without any text (<c>&lt;think&gt;&lt;/think&gt;</c>), so that merged reasoning is <c>""</c>, not <c>null</c>.
/// </summary>
public sealed record ReasoningDelta(string Text) : GlmOutputEvent;

/// <summary>Visible answer text (never empty). Includes the raw text of malformed or unterminated tool calls.</summary>
public sealed record ContentDelta(string Text) : GlmOutputEvent;

/// <summary>
/// A tool call whose name is complete. <see cref="Index"/> numbers the calls of one output from 0. A started call that
/// never gets its <see cref="ToolCallCompleted"/> was unterminated (cut off, e.g. by the token limit) or malformed (a
/// value nested too deep): its raw text arrives as <see cref="ContentDelta"/> and the call must be discarded. Only
/// <see cref="ToolCallCompleted"/>, sent once <c>&lt;/tool_call&gt;</c> has arrived, is a call to execute.
/// </summary>
public sealed record ToolCallStarted(int Index, string Name) : GlmOutputEvent;

/// <summary>
/// The next fragment of the call's arguments as JSON text, as vLLM streams it (<c>{"city": "Bei</c>, <c>jing"</c>, <c>}</c>).
/// The fragments of one call concatenate to a valid JSON object equal to <see cref="ToolCallCompleted.Arguments"/>
/// (a key repeated in the output appears twice; as with Python's <c>json.loads</c>, the last one wins).
/// </summary>
public sealed record ToolCallArgumentsDelta(int Index, string JsonFragment) : GlmOutputEvent;

/// <summary>
/// A complete tool call. <see cref="Arguments"/> values are <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/>, <c>null</c>, or <see cref="System.Text.Json.JsonElement"/> for objects and arrays, in output order.
/// <see cref="RawText"/> is the whole <c>&lt;tool_call&gt;…&lt;/tool_call&gt;</c> block.
/// </summary>
public sealed record ToolCallCompleted(int Index, string Name, IReadOnlyDictionary<string, object?> Arguments, string RawText) : GlmOutputEvent;
