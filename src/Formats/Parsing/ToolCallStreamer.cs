using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Glm4vSK.Formats;

/// <summary>
/// Incremental GLM-4.5 tool-call parser over content text: the engine behind <see cref="GlmStreamingParser"/> and
/// <see cref="Glm45ToolCallParser"/>. It finds exactly what vLLM's <c>glm45</c> regexes find
/// (<c>&lt;tool_call&gt;.*?&lt;/tool_call&gt;</c>, name up to a required <c>\n</c>,
/// <c>&lt;arg_key&gt;(.*?)&lt;/arg_key&gt;\s*&lt;arg_value&gt;(.*?)&lt;/arg_value&gt;</c>), deciding each piece as soon as
/// no later text can change it, so any chunking of the same text gives the same merged events.
/// </summary>
/// <remarks>
/// Differences from vLLM, all on malformed output: an empty name is not a call; a call with a non-string value nested
/// deeper than <see cref="NestingLimit.MaxDepth"/> is not a call (vLLM reads it as far as Python's recursion allows);
/// a string-typed value whose <c>&lt;/arg_value&gt;</c> is missing before <c>&lt;/tool_call&gt;</c> ends there (vLLM drops
/// the pair; here its opening quote has already been streamed); malformed and unterminated blocks are content, never
/// dropped.
/// </remarks>
internal sealed class ToolCallStreamer
{
    static readonly Regex KeyEnd = new(@"</arg_key>\s*<arg_value>", RegexOptions.CultureInvariant);
    static readonly string[] OutsideTags = [GlmTags.ToolCallStart];
    static readonly string[] SeekKeyTags = [GlmTags.ArgKeyStart, GlmTags.ToolCallEnd];
    static readonly string[] ValueEndTags = [GlmTags.ArgValueEnd, GlmTags.ToolCallEnd];

    enum Phase { Outside, Name, Malformed, SeekKey, SeekValue, InValue }

    readonly IReadOnlyDictionary<string, JsonElement>? _schemas;
    readonly bool _parse;
    Phase _phase = Phase.Outside;
    string _work = "";                 // unconsumed text
    readonly StringBuilder _raw = new(); // the current call's raw text (from <tool_call>), plus whatever followed in the same push
    int _nextIndex;
    // current call
    int _index;
    string _name = "";
    bool _wroteAny;
    OrderedDictionary<string, object?> _args = new(StringComparer.Ordinal);
    string _key = "";
    bool _isString;
    readonly StringBuilder _value = new();
    bool _done;

    public ToolCallStreamer(IReadOnlyDictionary<string, JsonElement>? schemas, bool parseToolCalls)
    {
        _schemas = schemas;
        _parse = parseToolCalls;
    }

    public void Push(string text, List<GlmOutputEvent> sink)
    {
        if (text.Length == 0) return;
        if (!_parse)
        {
            sink.Add(new ContentDelta(text));
            return;
        }
        _work += text;
        if (_phase != Phase.Outside) _raw.Append(text);
        Run(sink, final: false);
    }

    public void Complete(List<GlmOutputEvent> sink)
    {
        if (_done) return;
        _done = true;
        if (!_parse) return;
        Run(sink, final: true);
    }

    void Run(List<GlmOutputEvent> sink, bool final)
    {
        while (Step(sink, final)) { }
    }

    /// <summary>Advances one decision; false when more text is needed (or, when final, everything is flushed).</summary>
    bool Step(List<GlmOutputEvent> sink, bool final)
    {
        switch (_phase)
        {
            case Phase.Outside:
            {
                int start = _work.IndexOf(GlmTags.ToolCallStart, StringComparison.Ordinal);
                if (start >= 0)
                {
                    Content(sink, _work[..start]);
                    string rest = _work[(start + GlmTags.ToolCallStart.Length)..];
                    _raw.Clear().Append(GlmTags.ToolCallStart).Append(rest);
                    _work = rest;
                    _phase = Phase.Name;
                    return true;
                }
                int hold = final ? 0 : GlmTags.PartialTagOverlap(_work, 0, OutsideTags);
                Content(sink, _work[..^hold]);
                _work = _work[^hold..];
                return false;
            }
            case Phase.Name:
            {
                int end = EndIndex();
                int nl = _work.IndexOf('\n');
                if (nl >= 0 && (end < 0 || nl < end))
                {
                    string name = _work[..nl].Trim();
                    _work = _work[(nl + 1)..];
                    if (name.Length == 0)
                    {
                        _phase = Phase.Malformed;
                        return true;
                    }
                    _index = _nextIndex++;
                    _name = name;
                    _wroteAny = false;
                    _args = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                    sink.Add(new ToolCallStarted(_index, _name));
                    _phase = Phase.SeekKey;
                    return true;
                }
                if (end >= 0) return Malformed(sink, end);
                return final && Broken(sink);
            }
            case Phase.Malformed:
            {
                int end = EndIndex();
                if (end >= 0) return Malformed(sink, end);
                return final && Broken(sink);
            }
            case Phase.SeekKey:
            {
                int end = EndIndex();
                int key = _work.IndexOf(GlmTags.ArgKeyStart, StringComparison.Ordinal);
                if (key >= 0 && (end < 0 || key < end))
                {
                    _work = _work[(key + GlmTags.ArgKeyStart.Length)..];
                    _phase = Phase.SeekValue;
                    return true;
                }
                if (end >= 0) return Finish(sink, end);
                if (final) return Broken(sink);
                int hold = GlmTags.PartialTagOverlap(_work, 0, SeekKeyTags);
                _work = _work[^hold..]; // text between pairs is ignored
                return false;
            }
            case Phase.SeekValue:
            {
                int end = EndIndex();
                var m = KeyEnd.Match(_work, 0, end < 0 ? _work.Length : end);
                if (m.Success)
                {
                    _key = _work[..m.Index].Trim();
                    _work = _work[(m.Index + m.Length)..];
                    _isString = GlmToolSchemas.IsStringParameter(_schemas, _name, _key);
                    _value.Clear();
                    if (_isString)
                    {
                        var sb = new StringBuilder(_wroteAny ? ", " : "{");
                        PythonJson.WriteString(sb, _key, replaceLoneSurrogates: true);
                        sb.Append(": \"");
                        Arguments(sink, sb.ToString());
                    }
                    _phase = Phase.InValue;
                    return true;
                }
                if (end >= 0) return Finish(sink, end);
                return final && Broken(sink);
            }
            case Phase.InValue:
            {
                int end = EndIndex();
                int close = _work.IndexOf(GlmTags.ArgValueEnd, StringComparison.Ordinal);
                bool closed = close >= 0 && (end < 0 || close < end);
                if (_isString)
                {
                    if (closed || end >= 0)
                    {
                        int stop = closed ? close : end;
                        StreamString(sink, _work[..stop], closeQuote: true);
                        _args[_key] = _value.ToString();
                        if (!closed) return Finish(sink, end);
                        _work = _work[(close + GlmTags.ArgValueEnd.Length)..];
                        _phase = Phase.SeekKey;
                        return true;
                    }
                    if (final) return Broken(sink);
                    int safe = _work.Length - GlmTags.PartialTagOverlap(_work, 0, ValueEndTags);
                    if (safe > 0 && char.IsHighSurrogate(_work[safe - 1])) safe--;
                    StreamString(sink, _work[..safe], closeQuote: false);
                    _work = _work[safe..];
                    return false;
                }
                if (closed)
                {
                    _value.Append(_work, 0, close);
                    object? value = ToolArgumentValues.Deserialize(_value.ToString().Trim(), out bool tooDeep);
                    if (tooDeep)
                    {
                        // Nested past NestingLimit.MaxDepth: the call is malformed and its raw block becomes content
                        // (the started call never completes).
                        _work = _work[(close + GlmTags.ArgValueEnd.Length)..];
                        _phase = Phase.Malformed;
                        return true;
                    }
                    var sb = new StringBuilder(_wroteAny ? ", " : "{");
                    PythonJson.WriteString(sb, _key, replaceLoneSurrogates: true);
                    sb.Append(": ");
                    PythonJson.Write(sb, value, replaceLoneSurrogates: true);
                    Arguments(sink, sb.ToString());
                    _args[_key] = value;
                    _work = _work[(close + GlmTags.ArgValueEnd.Length)..];
                    _phase = Phase.SeekKey;
                    return true;
                }
                if (end >= 0) return Finish(sink, end); // unterminated non-string value: no pair (vLLM)
                if (final) return Broken(sink);
                // Not typed before it is complete; move the settled part aside so that long values stay linear.
                int keep = GlmTags.PartialTagOverlap(_work, 0, ValueEndTags);
                _value.Append(_work, 0, _work.Length - keep);
                _work = _work[^keep..];
                return false;
            }
        }
        return false;
    }

    int EndIndex() => _work.IndexOf(GlmTags.ToolCallEnd, StringComparison.Ordinal);

    void StreamString(List<GlmOutputEvent> sink, string chunk, bool closeQuote)
    {
        _value.Append(chunk);
        if (chunk.Length == 0 && !closeQuote) return;
        var sb = new StringBuilder(chunk.Length + 8);
        PythonJson.AppendEscaped(sb, chunk, replaceLoneSurrogates: true);
        if (closeQuote) sb.Append('"');
        Arguments(sink, sb.ToString());
    }

    void Arguments(List<GlmOutputEvent> sink, string fragment)
    {
        _wroteAny = true;
        sink.Add(new ToolCallArgumentsDelta(_index, fragment));
    }

    /// <summary>The call ends at <paramref name="end"/> (index of <c>&lt;/tool_call&gt;</c> in the work text).</summary>
    bool Finish(List<GlmOutputEvent> sink, int end)
    {
        sink.Add(new ToolCallArgumentsDelta(_index, _wroteAny ? "}" : "{}"));
        string after = TakeAfterEnd(end);
        var args = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in _args) args[k] = ToolArgumentValues.ToPublic(v);
        sink.Add(new ToolCallCompleted(_index, _name, args, RawMinus(after)));
        _work = after;
        _phase = Phase.Outside;
        return true;
    }

    /// <summary>A block without a valid name line, or with a value nested too deep: its raw text is content.</summary>
    bool Malformed(List<GlmOutputEvent> sink, int end)
    {
        string after = TakeAfterEnd(end);
        Content(sink, RawMinus(after));
        _work = after;
        _phase = Phase.Outside;
        return true;
    }

    /// <summary>End of output inside a block: the whole raw block is content.</summary>
    bool Broken(List<GlmOutputEvent> sink)
    {
        Content(sink, _raw.ToString());
        _raw.Clear();
        _work = "";
        _phase = Phase.Outside;
        return false;
    }

    string TakeAfterEnd(int end) => _work[(end + GlmTags.ToolCallEnd.Length)..];

    string RawMinus(string after)
    {
        string raw = _raw.ToString(0, _raw.Length - after.Length);
        _raw.Clear();
        return raw;
    }

    static void Content(List<GlmOutputEvent> sink, string text)
    {
        if (text.Length > 0) sink.Add(new ContentDelta(text));
    }
}
