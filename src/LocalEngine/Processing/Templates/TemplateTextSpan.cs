namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// A run of rendered prompt text copied from a message's content (text or a tool result's JSON), not written by the
/// template itself: what a tokenizer may treat as untrusted.
/// </summary>
public readonly record struct TemplateTextSpan(int Start, int Length, TemplateRole Role)
{
    public Range Range => new(Start, Start + Length);
}
