namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// One message as the chat templates see it (the Hugging Face message dict): a role and content that is either a
/// plain string or an ordered list of parts, plus the assistant's reasoning, tool calls and metadata.
/// </summary>
/// <remarks>
/// Whether the content is a string or a list matters in one place: a GLM-4.5V tool result that is a string is followed
/// by a newline, a list result is not. A string content is exposed as one text part (part index 0).
/// </remarks>
public sealed class TemplateMessage
{
    /// <summary>A message whose content is a plain string (Hugging Face <c>"content": "..."</c>).</summary>
    public TemplateMessage(TemplateRole role, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Role = role;
        IsStringContent = true;
        Parts = [TemplateContentPart.FromText(content)];
    }

    /// <summary>A message whose content is a list of parts (Hugging Face <c>"content": [{"type": ...}, ...]</c>).</summary>
    /// <exception cref="ArgumentException">A JSON part outside a tool message.</exception>
    public TemplateMessage(TemplateRole role, IEnumerable<TemplateContentPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null) throw new ArgumentException($"Content part {i} is null.", nameof(parts));
            if (list[i].Kind == TemplatePartKind.Json && role != TemplateRole.Tool)
                throw new ArgumentException($"Content part {i}: JSON parts are only allowed in tool results, not in a {role} message.", nameof(parts));
        }
        Role = role;
        Parts = list;
    }

    public TemplateRole Role { get; }

    /// <summary>True when the content is a plain string (then <see cref="Parts"/> is that one text part).</summary>
    public bool IsStringContent { get; }

    /// <summary>The content parts in order.</summary>
    public IReadOnlyList<TemplateContentPart> Parts { get; }

    /// <summary>The string content, when <see cref="IsStringContent"/>; otherwise null.</summary>
    public string? StringContent => IsStringContent ? Parts[0].Text : null;

    /// <summary>
    /// The assistant's reasoning (Hugging Face <c>reasoning_content</c>). Null means absent: GLM-4.5V then looks for a
    /// <c>&lt;think&gt;…&lt;/think&gt;</c> inside the content. GLM-4.1V ignores it.
    /// </summary>
    public string? ReasoningContent { get; init; }

    /// <summary>The assistant's function calls, in order (GLM-4.5V only; GLM-4.1V ignores them).</summary>
    public IReadOnlyList<TemplateToolCall> ToolCalls { get; init; } = [];

    /// <summary>GLM-4.1V: text written right after <c>&lt;|assistant|&gt;</c> when non-empty. GLM-4.5V ignores it.</summary>
    public string? Metadata { get; init; }

    public override string ToString() =>
        $"{Role}: {string.Concat(Parts.Select(p => p.ToString()))}" + (ToolCalls.Count > 0 ? $" [+{ToolCalls.Count} tool call(s)]" : "");
}
