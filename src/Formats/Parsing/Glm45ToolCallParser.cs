using System.Text;
using System.Text.Json;

namespace Glm4vSK.Formats;

/// <summary>
/// Non-streaming parser for the GLM-4.5/4.6(V) tool-call format (as vLLM's <c>glm45</c> parser reads it):
/// <code>
/// &lt;tool_call&gt;NAME
/// &lt;arg_key&gt;KEY&lt;/arg_key&gt;
/// &lt;arg_value&gt;VALUE&lt;/arg_value&gt;
/// &lt;/tool_call&gt;
/// </code>
/// </summary>
/// <remarks>
/// <para>The newline after the name is required (no call without it); a pair is
/// <c>&lt;arg_key&gt;K&lt;/arg_key&gt;\s*&lt;arg_value&gt;V&lt;/arg_value&gt;</c>, so a literal backslash-n between key and value
/// means no pair. Name and key are stripped. A string-typed parameter (per the schema) keeps its raw value; any other
/// value is stripped and read as JSON, else as a Python literal, else kept as the stripped text
/// (<see cref="ToolArgumentValues.Type"/>). A repeated key: the last value wins.</para>
/// <para>Malformed blocks (no newline after the name, empty name, a non-string value nested deeper than 32 levels) and an
/// unterminated block (cut off by the token limit) are never dropped: they are
/// content text. The text is the tool parser's input: if thinking was on, run <see cref="ReasoningParser"/> first (or use
/// <see cref="GlmStreamingParser"/>, which does both). Text from the first stop token on is ignored and non-text special
/// tokens are removed (<see cref="GlmTags.StripSpecialTokens"/>).</para>
/// </remarks>
public static class Glm45ToolCallParser
{
    public static Glm45ToolCallResult Parse(string text, IReadOnlyDictionary<string, JsonElement>? toolSchemas = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = GlmTags.StripSpecialTokens(text);
        var streamer = new ToolCallStreamer(toolSchemas, parseToolCalls: true);
        var events = new List<GlmOutputEvent>();
        streamer.Push(text, events);
        streamer.Complete(events);

        var calls = new List<GlmToolCall>();
        var before = new StringBuilder();
        var outside = new StringBuilder();
        foreach (var e in events)
        {
            switch (e)
            {
                case ContentDelta c:
                    outside.Append(c.Text);
                    if (calls.Count == 0) before.Append(c.Text);
                    break;
                case ToolCallCompleted done:
                    calls.Add(new GlmToolCall(done.Name, done.Arguments, PythonJson.Serialize(done.Arguments, replaceLoneSurrogates: true), done.RawText));
                    break;
            }
        }
        string? content;
        if (calls.Count == 0) content = text;
        else content = string.IsNullOrWhiteSpace(before.ToString()) ? null : before.ToString();
        return new Glm45ToolCallResult(content, outside.Length == 0 ? null : outside.ToString(), calls);
    }
}
