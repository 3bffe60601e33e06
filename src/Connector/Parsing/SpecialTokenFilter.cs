namespace Glm4vSK.Connector.Parsing;

/// <summary>
/// The first stage of the output pipeline: drops everything from the first stop token (<see cref="GlmTags.StopTokens"/>)
/// on and removes the special tokens that are never text (<see cref="GlmTags.NonTextTokens"/>), as
/// <c>skip_special_tokens</c> would; all other markup passes through for the later stages.
/// </summary>
/// <remarks>
/// Characters go onto a stack one at a time and a token is taken off as soon as the stack ends with it, so text that
/// closes up around a removed token is read again (<c>&lt;|us&lt;|image|&gt;er|&gt;</c> is a stop token): the output
/// never contains a token, filtering it again changes nothing, and any chunking gives the same output. Only the stack
/// top that later input could still take off is held back.
/// </remarks>
internal sealed class SpecialTokenFilter
{
    static readonly string[] Tokens = [.. GlmTags.StopTokens, .. GlmTags.NonTextTokens];
    static readonly int LongestToken = Tokens.Max(t => t.Length);

    char[] _held = new char[64];
    int _length;
    bool _stopped;

    /// <summary>The filtered text that no later input can change.</summary>
    public string Push(string text)
    {
        if (_stopped || text.Length == 0) return "";
        foreach (char c in text)
        {
            if (_length == _held.Length) Array.Resize(ref _held, _held.Length * 2);
            _held[_length++] = c;
            if (TokenAtEnd(c) is not { } token) continue;
            _length -= token.Length;
            if (GlmTags.StopTokens.Contains(token)) return Complete();
        }
        int keep = LiveSuffix();
        string released = new(_held, 0, _length - keep);
        Array.Copy(_held, _length - keep, _held, 0, keep);
        _length = keep;
        return released;
    }

    public string Complete()
    {
        string rest = _stopped ? "" : new string(_held, 0, _length);
        _length = 0;
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

    string? TokenAtEnd(char last)
    {
        foreach (string token in Tokens)
        {
            if (token[^1] == last && token.Length <= _length && _held.AsSpan(_length - token.Length, token.Length).SequenceEqual(token))
                return token;
        }
        return null;
    }

    /// <summary>
    /// The length of the longest stack top made of proper token prefixes one after another: each could still complete
    /// (the inner ones first, taking themselves off), so none of it may be released yet.
    /// </summary>
    int LiveSuffix()
    {
        // live[j]: the top from j on is such a sequence. A start more than LongestToken - 1 below the nearest live one cannot be live.
        var live = new bool[_length + 1];
        live[_length] = true;
        int earliest = _length;
        for (int j = _length - 1; j >= 0 && earliest - j < LongestToken; j--)
        {
            for (int len = 1; len < LongestToken && j + len <= _length && !live[j]; len++)
                live[j] = live[j + len] && IsProperPrefix(_held.AsSpan(j, len));
            if (live[j]) earliest = j;
        }
        return _length - earliest;
    }

    static bool IsProperPrefix(ReadOnlySpan<char> text)
    {
        foreach (string token in Tokens)
            if (text.Length < token.Length && token.AsSpan().StartsWith(text)) return true;
        return false;
    }
}
