namespace Glm4vSK.Connector.Parsing;

/// <summary>Passes text through up to the first stop token (<see cref="GlmTags.StopTokens"/>) and drops everything from it on.</summary>
internal sealed class StopTokenFilter
{
    string _pending = "";
    bool _stopped;

    /// <summary>The text that is certainly before any stop token.</summary>
    public string Push(string text)
    {
        if (_stopped || text.Length == 0) return "";
        string t = _pending + text;
        int stop = GlmTags.FirstStopToken(t);
        if (stop >= 0)
        {
            _stopped = true;
            _pending = "";
            return t[..stop];
        }
        int hold = GlmTags.PartialTagOverlap(t, 0, GlmTags.StopTokens);
        _pending = t[^hold..];
        return t[..^hold];
    }

    public string Complete()
    {
        string rest = _stopped ? "" : _pending;
        _pending = "";
        _stopped = true;
        return rest;
    }
}
