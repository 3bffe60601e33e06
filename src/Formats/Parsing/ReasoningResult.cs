namespace Glm4vSK.Formats;

/// <summary>A complete output split into reasoning and visible content.</summary>
/// <param name="Reasoning">
/// The thinking text, untrimmed; <c>""</c> for an empty <c>&lt;think&gt;&lt;/think&gt;</c> block; <c>null</c> when the
/// output had no reasoning section.
/// </param>
/// <param name="Content">The visible answer, untrimmed (GLM-4.5V answers usually start with <c>\n</c>); <c>null</c> when empty.</param>
public sealed record ReasoningResult(string? Reasoning, string? Content);
