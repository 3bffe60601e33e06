using System.Text;

namespace Glm4vSK.Formats;

/// <summary>
/// The incremental form of <see cref="ReasoningParser"/>'s think split: reasoning goes to the sink as
/// <see cref="ReasoningDelta"/>, content text to the next stage. Text that could still belong to a tag, or whose role is
/// not yet decided, is held back.
/// </summary>
internal sealed class ReasoningSplitter
{
    enum State { Prelude, PreludeOff, InsideStart, Reasoning, Content }

    static readonly string[] ThinkEndTag = [GlmTags.ThinkEnd];
    const int LongestTag = 8; // "</think>"

    readonly Action<string> _content;
    State _state;
    readonly StringBuilder _buf = new();
    int _scanFrom;            // Prelude/PreludeOff: no tag starts before this offset
    int _offReasoningStart = -1; // PreludeOff: where the leading think block's text starts
    bool _reasoningWritten;

    public ReasoningSplitter(GlmParserOptions options, Action<string> content)
    {
        _content = content;
        _state = !options.ThinkingEnabled ? State.PreludeOff : options.PromptEndsInsideThink ? State.InsideStart : State.Prelude;
    }

    public void Push(string text, List<GlmOutputEvent> sink)
    {
        if (text.Length == 0) return;
        if (_state == State.Content)
        {
            _content(text);
            return;
        }
        _buf.Append(text);
        Run(sink, final: false);
    }

    public void Complete(List<GlmOutputEvent> sink) => Run(sink, final: true);

    void Run(List<GlmOutputEvent> sink, bool final)
    {
        while (true)
        {
            switch (_state)
            {
                case State.Prelude:
                {
                    // Both tags are looked for in the new text only (plus an overlap for a tag split across pushes).
                    string window = _buf.ToString(_scanFrom, _buf.Length - _scanFrom);
                    int open = window.IndexOf(GlmTags.ThinkStart, StringComparison.Ordinal);
                    int close = window.IndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal);
                    if (open >= 0 && (close < 0 || open < close))
                    {
                        Keep(_scanFrom + open + GlmTags.ThinkStart.Length);
                        _state = State.Reasoning;
                        continue;
                    }
                    if (close >= 0)
                    {
                        int at = _scanFrom + close;
                        Reasoning(sink, _buf.ToString(0, at));
                        EndReasoning(sink);
                        Keep(at + GlmTags.ThinkEnd.Length);
                        _state = State.Content;
                        continue;
                    }
                    if (final)
                    {
                        _state = State.Content; // no tags: everything is content
                        continue;
                    }
                    _scanFrom = Math.Max(0, _buf.Length - (LongestTag - 1));
                    return;
                }
                case State.PreludeOff:
                {
                    if (_offReasoningStart < 0)
                    {
                        string t = _buf.ToString(); // only whitespace and a partial tag are ever held here
                        int k = ReasoningParser.FirstNonWhiteSpace(t);
                        if (ReasoningParser.StartsWithAt(t, k, GlmTags.ThinkStart))
                        {
                            _offReasoningStart = _scanFrom = k + GlmTags.ThinkStart.Length;
                        }
                        else
                        {
                            if (!final && IsPartialOpenTag(t, k)) return;
                            _state = State.Content;
                            continue;
                        }
                    }
                    // A leading think block: split it off only if it closes.
                    string window = _buf.ToString(_scanFrom, _buf.Length - _scanFrom);
                    int close = window.IndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        int at = _scanFrom + close;
                        Reasoning(sink, _buf.ToString(_offReasoningStart, at - _offReasoningStart));
                        EndReasoning(sink);
                        Keep(at + GlmTags.ThinkEnd.Length);
                        _state = State.Content;
                        continue;
                    }
                    if (final)
                    {
                        _state = State.Content; // unterminated: content, tags included
                        continue;
                    }
                    _scanFrom = Math.Max(_offReasoningStart, _buf.Length - (LongestTag - 1));
                    return;
                }
                case State.InsideStart:
                {
                    string t = _buf.ToString();
                    int k = ReasoningParser.FirstNonWhiteSpace(t);
                    if (ReasoningParser.StartsWithAt(t, k, GlmTags.ThinkStart))
                        Keep(k + GlmTags.ThinkStart.Length);
                    else if (!final && IsPartialOpenTag(t, k))
                        return;
                    _state = State.Reasoning;
                    continue;
                }
                case State.Reasoning:
                {
                    string t = _buf.ToString();
                    int close = t.IndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal);
                    if (close >= 0)
                    {
                        Reasoning(sink, t[..close]);
                        EndReasoning(sink);
                        Keep(close + GlmTags.ThinkEnd.Length);
                        _state = State.Content;
                        continue;
                    }
                    int hold = final ? 0 : GlmTags.PartialTagOverlap(t, 0, ThinkEndTag);
                    Reasoning(sink, t[..^hold]);
                    _buf.Clear().Append(t, t.Length - hold, hold);
                    if (final) EndReasoning(sink); // truncated inside the think block: all of it was reasoning
                    return;
                }
                case State.Content:
                {
                    if (_buf.Length > 0)
                    {
                        string t = _buf.ToString();
                        _buf.Clear();
                        _content(t);
                    }
                    return;
                }
            }
        }
    }

    /// <summary>Whitespace only, or whitespace and a proper prefix of <c>&lt;think&gt;</c>: not decidable yet.</summary>
    static bool IsPartialOpenTag(string t, int k) =>
        k == t.Length || (t.Length - k < GlmTags.ThinkStart.Length && GlmTags.ThinkStart.StartsWith(t[k..], StringComparison.Ordinal));

    void Keep(int from)
    {
        _buf.Remove(0, from);
        _scanFrom = 0;
    }

    void Reasoning(List<GlmOutputEvent> sink, string text)
    {
        if (text.Length == 0) return;
        _reasoningWritten = true;
        sink.Add(new ReasoningDelta(text));
    }

    void EndReasoning(List<GlmOutputEvent> sink)
    {
        if (!_reasoningWritten) sink.Add(new ReasoningDelta(""));
        _reasoningWritten = true;
    }
}
