namespace Glm4vSK.Connector;

/// <summary>
/// Finds <c>ChatOptions.StopSequences</c> in the decoded text stream (stops may span tokens). Text that could still be
/// the start of a stop is held back; the stop itself is never emitted.
/// </summary>
internal sealed class StopSequenceMatcher
{
    readonly string[] _stops;
    string _pending = "";

    public StopSequenceMatcher(IEnumerable<string>? stops) => _stops = stops?.Where(s => !string.IsNullOrEmpty(s)).Distinct().ToArray() ?? [];

    public bool Stopped { get; private set; }

    /// <summary>The text that is safe to emit now; sets <see cref="Stopped"/> when a stop sequence completed.</summary>
    public string Push(string delta)
    {
        if (Stopped) return "";
        if (_stops.Length == 0) return delta;
        string text = _pending + delta;
        int cut = -1;
        foreach (var s in _stops)
        {
            int i = text.IndexOf(s, StringComparison.Ordinal);
            if (i >= 0 && (cut < 0 || i < cut)) cut = i;
        }
        if (cut >= 0)
        {
            Stopped = true;
            _pending = "";
            return text[..cut];
        }
        int hold = 0;
        foreach (var s in _stops)
            for (int k = Math.Min(s.Length - 1, text.Length); k > hold; k--)
                if (text.EndsWith(s[..k], StringComparison.Ordinal)) { hold = k; break; }
        _pending = text[^hold..];
        return text[..^hold];
    }

    /// <summary>At the end of the stream: what was held back (it did not become a stop).</summary>
    public string Flush()
    {
        string p = Stopped ? "" : _pending;
        _pending = "";
        return p;
    }
}
