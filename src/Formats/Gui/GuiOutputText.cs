using System.Text.RegularExpressions;

namespace Glm4vSK.Formats.Gui;

/// <summary>The pre-processing common to every GUI protocol and the box-marker helpers.</summary>
public static partial class GuiOutputText
{
    /// <summary>
    /// Removes the first <c>&lt;think&gt;…&lt;/think&gt;</c> block (or, when only <c>&lt;/think&gt;</c> is present because
    /// <c>&lt;think&gt;</c> was pre-filled, everything up to it) and all <c>&lt;answer&gt;</c>/<c>&lt;/answer&gt;</c> tags.
    /// Returns <see langword="false"/> for an unclosed <c>&lt;think&gt;</c> (truncated output).
    /// </summary>
    public static bool TryPreprocess(string text, out string body, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        int open = text.IndexOf(GlmTags.ThinkStart, StringComparison.Ordinal);
        int close = text.IndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal);
        if (open >= 0)
        {
            int end = text.IndexOf(GlmTags.ThinkEnd, open, StringComparison.Ordinal);
            if (end < 0)
            {
                body = "";
                error = "unclosed <think> block (truncated output)";
                return false;
            }
            text = string.Concat(text.AsSpan(0, open), text.AsSpan(end + GlmTags.ThinkEnd.Length));
        }
        else if (close >= 0)
        {
            text = text[(close + GlmTags.ThinkEnd.Length)..];
        }
        body = text.Replace(GlmTags.AnswerStart, "", StringComparison.Ordinal).Replace(GlmTags.AnswerEnd, "", StringComparison.Ordinal);
        error = null;
        return true;
    }

    /// <summary>The content of the first complete box span, or <see langword="null"/>.</summary>
    public static string? FirstBox(string text)
    {
        var m = FirstBoxRegex().Match(text);
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>
    /// The text between the first <c>&lt;|begin_of_box|&gt;</c> and the last <c>&lt;|end_of_box|&gt;</c> after it (to the end
    /// when there is none), as GLM-V's <c>parse_mobile_response</c> takes an action; the text itself without markers.
    /// </summary>
    public static string BoxedAction(string action)
    {
        ArgumentNullException.ThrowIfNull(action);
        int begin = action.IndexOf(GlmTags.BeginOfBox, StringComparison.Ordinal);
        if (begin < 0) return action;
        int from = begin + GlmTags.BeginOfBox.Length;
        int end = action.LastIndexOf(GlmTags.EndOfBox, StringComparison.Ordinal);
        return end >= from ? action[from..end] : action[from..];
    }

    /// <summary>The text an empty visible answer is shown as.</summary>
    public const string EmptyAnswer = "(empty answer)";

    /// <summary>
    /// The visible answer: the think block removed (a truncated, unclosed one together with everything after it) and
    /// the <c>&lt;answer&gt;</c>/<c>&lt;/answer&gt;</c> tags removed. Box markers are kept.
    /// </summary>
    public static string VisibleText(string modelOutput)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        if (TryPreprocess(modelOutput, out string body, out _)) return body;
        int open = modelOutput.IndexOf(GlmTags.ThinkStart, StringComparison.Ordinal);
        return RemoveAnswerTags(open >= 0 ? modelOutput[..open] : modelOutput);
    }

    /// <summary>Removes <c>&lt;|begin_of_box|&gt;</c>/<c>&lt;|end_of_box|&gt;</c> (and the docs' <c>&lt;|start_of_box|&gt;</c> typo).</summary>
    public static string RemoveBoxMarkers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace(GlmTags.BeginOfBox, "", StringComparison.Ordinal)
            .Replace(GlmTags.StartOfBox, "", StringComparison.Ordinal)
            .Replace(GlmTags.EndOfBox, "", StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- splitting answers into parts

    /// <summary>
    /// Splits a mobile (AndroidWorld) answer <c>Memory: … Reason: … Action: …</c>. The action is the text between the
    /// first <c>&lt;|begin_of_box|&gt;</c> and the last <c>&lt;|end_of_box|&gt;</c> when markers are present (as GLM-V's
    /// <c>parse_mobile_response</c> takes it), else the whole <c>Action:</c> text.
    /// </summary>
    public static GuiOutputParts SplitMobile(string modelOutput)
    {
        string body = VisibleText(modelOutput);
        var m = MobileRegex().Match(body);
        if (!m.Success) return Unstructured(body);
        string action = BoxedAction(m.Groups[3].Value);
        return new GuiOutputParts(m.Groups[2].Value.Trim(), RemoveBoxMarkers(action).Trim(), m.Groups[1].Value.Trim(), true);
    }

    /// <summary>
    /// Splits a desktop (OSWorld) answer <c>{explanation} &lt;|begin_of_box|&gt;call(…)&lt;|end_of_box|&gt;\nMemory:\n[…]</c>:
    /// the action is the first box's content (else the first <c>name(…)</c> call, as GLM-V's parser falls back); the
    /// thought is the text before the last <c>Memory:</c> without box markers, without the action call and without a
    /// trailing <c>Action:</c> label; the memory is the text after the last <c>Memory:</c>.
    /// </summary>
    public static GuiOutputParts SplitPc(string modelOutput)
    {
        string body = VisibleText(modelOutput);
        string? action = FirstBox(body)?.Trim();
        if (string.IsNullOrEmpty(action))
        {
            var call = PcCallRegex().Match(body);
            action = call.Success ? call.Value : null;
        }
        int at = body.LastIndexOf("Memory:", StringComparison.Ordinal);
        string? memory = at >= 0 ? body[(at + "Memory:".Length)..].Trim() : null;
        string thought = RemoveBoxMarkers(at >= 0 ? body[..at] : body);
        if (!string.IsNullOrEmpty(action)) thought = thought.Replace(action, "", StringComparison.Ordinal);
        thought = thought.Trim();
        if (action is not null && thought.EndsWith("Action:", StringComparison.Ordinal)) thought = thought[..^"Action:".Length].TrimEnd();
        if (string.IsNullOrEmpty(action) && memory is null) return Unstructured(body);
        return new GuiOutputParts(thought, action ?? "", memory, true);
    }

    /// <summary>
    /// Splits a web (WebVoyager) answer <c>Thought: … Action: … Memory_Updated: {…}</c> (with or without
    /// <c>&lt;answer&gt;</c>). The action loses its box markers.
    /// </summary>
    public static GuiOutputParts SplitWeb(string modelOutput)
    {
        string body = VisibleText(modelOutput);
        int a = body.IndexOf("Action:", StringComparison.Ordinal);
        int m = body.LastIndexOf("Memory_Updated:", StringComparison.Ordinal);
        int t = body.IndexOf("Thought:", StringComparison.Ordinal);
        if (a < 0 && m < 0) return Unstructured(body);

        int thoughtEnd = a >= 0 ? a : m;
        if (m >= 0 && m < thoughtEnd) thoughtEnd = m;
        string thought = t >= 0 && t < thoughtEnd ? body[(t + "Thought:".Length)..thoughtEnd] : body[..thoughtEnd];
        string action = "";
        if (a >= 0)
        {
            int from = a + "Action:".Length;
            action = m > a ? body[from..m] : body[from..];
        }
        string? memory = m >= 0 ? body[(m + "Memory_Updated:".Length)..].Trim() : null;
        return new GuiOutputParts(RemoveBoxMarkers(thought).Trim(), RemoveBoxMarkers(action).Trim(), memory, true);
    }

    /// <summary>
    /// Splits an AutoGLM-Phone answer into thinking and action the way Open-AutoGLM's <c>_parse_response</c> does on
    /// a server that strips the tags: the action starts at the first <c>finish(message=</c>, else at the first
    /// <c>do(action=</c>, else it is the whole text; the thinking is what comes before. When a
    /// <c>&lt;think&gt;…&lt;/think&gt;</c> block is present, the thinking is its content (plus any text between it and
    /// the action) and the action is looked for only after it, so a call mentioned while thinking is not taken.
    /// <c>&lt;think&gt;</c>, <c>&lt;/think&gt;</c>, <c>&lt;answer&gt;</c> and <c>&lt;/answer&gt;</c> never remain in either part.
    /// </summary>
    public static GuiOutputParts SplitAutoGlm(string modelOutput)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        string thinking = "", rest = modelOutput;
        int close = modelOutput.IndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal);
        if (close >= 0)
        {
            int open = modelOutput.IndexOf(GlmTags.ThinkStart, StringComparison.Ordinal);
            int from = open >= 0 && open < close ? open + GlmTags.ThinkStart.Length : 0;
            thinking = modelOutput[from..close];
            rest = modelOutput[(close + GlmTags.ThinkEnd.Length)..];
        }
        rest = RemoveThinkAndAnswerTags(rest);
        thinking = RemoveThinkAndAnswerTags(thinking).Trim();

        int at = rest.IndexOf("finish(message=", StringComparison.Ordinal);
        if (at < 0) at = rest.IndexOf("do(action=", StringComparison.Ordinal);
        if (at < 0) return new GuiOutputParts(thinking, rest.Trim(), null, false);
        string before = rest[..at].Trim();
        if (before.Length > 0) thinking = thinking.Length > 0 ? thinking + "\n" + before : before;
        return new GuiOutputParts(thinking, rest[at..].Trim(), null, true);
    }

    private static GuiOutputParts Unstructured(string body)
    {
        string text = RemoveBoxMarkers(body).Trim();
        return new GuiOutputParts(text.Length == 0 ? EmptyAnswer : text, "", null, false);
    }

    private static string RemoveAnswerTags(string text) =>
        text.Replace(GlmTags.AnswerStart, "", StringComparison.Ordinal).Replace(GlmTags.AnswerEnd, "", StringComparison.Ordinal);

    private static string RemoveThinkAndAnswerTags(string text) =>
        RemoveAnswerTags(text).Replace(GlmTags.ThinkStart, "", StringComparison.Ordinal).Replace(GlmTags.ThinkEnd, "", StringComparison.Ordinal);

    [GeneratedRegex(@"Memory:(.*?)Reason:(.*?)Action:(.*)", RegexOptions.Singleline)]
    private static partial Regex MobileRegex();

    [GeneratedRegex(@"[\w_]+\([^)]*\)")]
    private static partial Regex PcCallRegex();

    [GeneratedRegex(@"<\|begin_of_box\|>(.*?)<\|end_of_box\|>", RegexOptions.Singleline)]
    private static partial Regex FirstBoxRegex();
}
