namespace Glm4vSK.Formats;

/// <summary>The result of <see cref="Glm45ToolCallParser.Parse"/>.</summary>
/// <param name="Content">
/// vLLM's <c>content</c>: with calls, the text before the first call (<c>null</c> when whitespace-only); text between and
/// after calls is not part of it. Without calls, the whole text (malformed and unterminated blocks included).
/// </param>
/// <param name="TextOutsideCalls">All text outside the calls, in order (what streaming delivers as content); <c>null</c> when empty.</param>
/// <param name="ToolCalls">The calls, in output order.</param>
public sealed record Glm45ToolCallResult(string? Content, string? TextOutsideCalls, IReadOnlyList<GlmToolCall> ToolCalls);
