namespace Glm4vSK.Formats;

/// <summary>
/// The first stage of the output pipeline: drops everything from the first stop token (<see cref="GlmTags.StopTokens"/>)
/// on and removes the special tokens that are never text (<see cref="GlmTags.NonTextTokens"/>), as
/// <c>skip_special_tokens</c> would; all other markup passes through for the later stages.
/// </summary>
/// <remarks>
/// Characters go onto a stack one at a time and a token is taken off as soon as the stack ends with it, so text that
/// closes up around a removed token is read again (<c>&lt;|us&lt;|image|&gt;er|&gt;</c> is a stop token): the output
/// never contains a token, filtering it again changes nothing, and any chunking gives the same output.
/// Every token starts with <c>&lt;</c> or <c>[</c> and has neither further on, so the stack top that may still be taken
/// off is a run of segments, each starting at one of those characters and each a proper prefix of a token; only that
/// run is held back. Linear in the text, whatever its content.
/// </remarks>
public sealed class SpecialTokenFilter
{
    static readonly string[] Tokens = [.. GlmTags.StopTokens, .. GlmTags.NonTextTokens];

    char[] _buf = new char[64];
    int _start;   // the first character not released yet
    int _length;  // the stack's end
    readonly List<int> _segments = []; // starts of the held segments, oldest first
    bool _stopped;

    /// <summary>The filtered text that no later input can change.</summary>
    public string Push(string text)
    {
        if (_stopped || text.Length == 0) return "";
        foreach (char c in text)
        {
            Append(c);
            if (c is '<' or '[')
            {
                _segments.Add(_length - 1); // a lone '<' or '[' starts some token
                continue;
            }
            if (_segments.Count == 0) continue;
            int segment = _segments[^1];
            var top = _buf.AsSpan(segment, _length - segment);
            if (TokenEqualTo(top) is { } token)
            {
                _length = segment;
                _segments.RemoveAt(_segments.Count - 1);
                if (GlmTags.StopTokens.Contains(token)) return Complete();
            }
            else if (!IsProperPrefix(top))
            {
                _segments.Clear(); // nothing below can complete any more
            }
        }
        int end = _segments.Count > 0 ? _segments[0] : _length;
        string released = new(_buf, _start, end - _start);
        _start = end;
        return released;
    }

    public string Complete()
    {
        string rest = _stopped ? "" : new string(_buf, _start, _length - _start);
        _start = _length = 0;
        _segments.Clear();
        _stopped = true;
        return rest;
    }

    /// <summary>Filters a complete text in one go.</summary>
    public static string Apply(string text)
    {
        var filter = new SpecialTokenFilter();
        string head = filter.Push(text);
        return head + filter.Complete();
    }

    void Append(char c)
    {
        if (_length == _buf.Length)
        {
            // Drop the released part first; grow only when the held part fills half the buffer.
            int held = _length - _start;
            var target = held * 2 > _buf.Length ? new char[_buf.Length * 2] : _buf;
            Array.Copy(_buf, _start, target, 0, held);
            for (int i = 0; i < _segments.Count; i++) _segments[i] -= _start;
            _buf = target;
            _start = 0;
            _length = held;
        }
        _buf[_length++] = c;
    }

    static string? TokenEqualTo(ReadOnlySpan<char> text)
    {
        foreach (string token in Tokens)
            if (text.SequenceEqual(token)) return token;
        return null;
    }

    static bool IsProperPrefix(ReadOnlySpan<char> text)
    {
        foreach (string token in Tokens)
            if (text.Length < token.Length && token.AsSpan().StartsWith(text)) return true;
        return false;
    }
}
