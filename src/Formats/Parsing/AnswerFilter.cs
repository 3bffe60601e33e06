using System.Text;

namespace Glm4vSK.Formats;

/// <summary>
/// The incremental form of <see cref="ReasoningParser.ExtractAnswer"/>: content before <c>&lt;answer&gt;</c> is held
/// (dropped when <c>&lt;answer&gt;</c> comes, released at the end otherwise), the answer passes through, and text after
/// <c>&lt;/answer&gt;</c> is dropped.
/// </summary>
internal sealed class AnswerFilter
{
    enum State { Before, Inside, After }

    static readonly string[] AnswerEndTag = [GlmTags.AnswerEnd];

    readonly Action<string> _next;
    State _state;
    readonly StringBuilder _buf = new();
    int _scanFrom;

    public AnswerFilter(Action<string> next) => _next = next;

    public void Push(string text)
    {
        if (text.Length == 0 || _state == State.After) return;
        _buf.Append(text);
        if (_state == State.Before)
        {
            string window = _buf.ToString(_scanFrom, _buf.Length - _scanFrom);
            int open = window.IndexOf(GlmTags.AnswerStart, StringComparison.Ordinal);
            if (open < 0)
            {
                _scanFrom = Math.Max(0, _buf.Length - (GlmTags.AnswerStart.Length - 1));
                return;
            }
            _buf.Remove(0, _scanFrom + open + GlmTags.AnswerStart.Length);
            _state = State.Inside;
        }
        string t = _buf.ToString();
        int close = t.IndexOf(GlmTags.AnswerEnd, StringComparison.Ordinal);
        if (close >= 0)
        {
            Emit(t[..close]);
            _buf.Clear();
            _state = State.After;
            return;
        }
        int hold = GlmTags.PartialTagOverlap(t, 0, AnswerEndTag);
        Emit(t[..^hold]);
        _buf.Clear().Append(t, t.Length - hold, hold);
    }

    public void Complete()
    {
        if (_state != State.After) Emit(_buf.ToString());
        _buf.Clear();
        _state = State.After;
    }

    void Emit(string text)
    {
        if (text.Length > 0) _next(text);
    }
}
