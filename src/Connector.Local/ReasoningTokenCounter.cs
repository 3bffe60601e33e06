using Glm4vSK.Formats;

namespace Glm4vSK.Connector;

/// <summary>
/// Counts the generated tokens of the think block, for <c>UsageDetails.ReasoningTokenCount</c>: the tokens up to and
/// including the one that completes the first <c>&lt;/think&gt;</c>, provided the parser found reasoning at all (an
/// output without a think block has none; one cut off inside the block is all reasoning).
/// </summary>
/// <remarks>Counts what the parser splits, so it agrees with the reasoning returned. Not thread-safe; one per output.</remarks>
internal sealed class ReasoningTokenCounter
{
    const int TailLength = 7; // one less than "</think>": enough earlier text to find a tag split across tokens
    string _tail = "";
    bool _closed;
    bool _sawReasoning;
    int _tokens;

    /// <summary>The reasoning tokens so far.</summary>
    public int Count => _sawReasoning ? _tokens : 0;

    /// <summary>A generated token's text (before stop sequences apply).</summary>
    public void Token(string text)
    {
        if (_closed) return;
        _tokens++;
        string window = _tail + text;
        if (window.Contains(GlmTags.ThinkEnd, StringComparison.Ordinal)) _closed = true;
        else _tail = window.Length <= TailLength ? window : window[^TailLength..];
    }

    /// <summary>The parser's events: whether any of them is reasoning (an empty <see cref="ReasoningDelta"/> marks an empty think block).</summary>
    public IReadOnlyList<GlmOutputEvent> Saw(IReadOnlyList<GlmOutputEvent> events)
    {
        if (!_sawReasoning) _sawReasoning = events.Any(e => e is ReasoningDelta);
        return events;
    }
}
