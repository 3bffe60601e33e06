using System.Text.RegularExpressions;
using Glm4vSK.Formats;

namespace Glm4vSK.Agents.Protocols;

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

    [GeneratedRegex(@"<\|begin_of_box\|>(.*?)<\|end_of_box\|>", RegexOptions.Singleline)]
    private static partial Regex FirstBoxRegex();
}
