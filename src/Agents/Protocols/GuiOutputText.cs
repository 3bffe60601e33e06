using System.Text.RegularExpressions;

namespace Glm4vSK.Agents.Protocols;

/// <summary>The pre-processing common to every GUI protocol and the box-marker helpers.</summary>
public static partial class GuiOutputText
{
    /// <summary>The box markers GLM-V wraps actions in.</summary>
    public const string BeginOfBox = "<|begin_of_box|>", EndOfBox = "<|end_of_box|>";

    /// <summary>
    /// Removes the first <c>&lt;think&gt;…&lt;/think&gt;</c> block (or, when only <c>&lt;/think&gt;</c> is present because
    /// <c>&lt;think&gt;</c> was pre-filled, everything up to it) and all <c>&lt;answer&gt;</c>/<c>&lt;/answer&gt;</c> tags.
    /// Returns <see langword="false"/> for an unclosed <c>&lt;think&gt;</c> (truncated output).
    /// </summary>
    public static bool TryPreprocess(string text, out string body, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        int open = text.IndexOf("<think>", StringComparison.Ordinal);
        int close = text.IndexOf("</think>", StringComparison.Ordinal);
        if (open >= 0)
        {
            int end = text.IndexOf("</think>", open, StringComparison.Ordinal);
            if (end < 0)
            {
                body = "";
                error = "unclosed <think> block (truncated output)";
                return false;
            }
            text = string.Concat(text.AsSpan(0, open), text.AsSpan(end + "</think>".Length));
        }
        else if (close >= 0)
        {
            text = text[(close + "</think>".Length)..];
        }
        body = text.Replace("<answer>", "", StringComparison.Ordinal).Replace("</answer>", "", StringComparison.Ordinal);
        error = null;
        return true;
    }

    /// <summary>The content of the first complete box span, or <see langword="null"/>.</summary>
    public static string? FirstBox(string text)
    {
        var m = FirstBoxRegex().Match(text);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"<\|begin_of_box\|>(.*?)<\|end_of_box\|>", RegexOptions.Singleline)]
    private static partial Regex FirstBoxRegex();
}
