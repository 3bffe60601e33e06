
namespace Glm4vSK.Formats;

/// <summary>
/// Splits a complete GLM output into reasoning and content the way current vLLM's <c>glm45</c> reasoning parser does
/// (R1-style <c>&lt;think&gt;</c>/<c>&lt;/think&gt;</c>), plus the GLM-4.1V / AutoGLM <c>&lt;answer&gt;</c> step
/// Nothing is trimmed.
/// </summary>
/// <remarks>
/// <para>Thinking on (<see cref="GlmParserOptions.ThinkingEnabled"/>), the default:</para>
/// <list type="number">
/// <item><c>&lt;think&gt;</c> present (before any <c>&lt;/think&gt;</c>): the text before it is dropped; reasoning is the
/// text up to <c>&lt;/think&gt;</c> and content the text after it. Without <c>&lt;/think&gt;</c> (truncated output)
/// everything after <c>&lt;think&gt;</c> is reasoning and content is <c>null</c>.</item>
/// <item>Only <c>&lt;/think&gt;</c> present (the prompt pre-filled <c>&lt;think&gt;</c>): reasoning is the text before it.</item>
/// <item>No tags: reasoning <c>null</c>, everything is content.</item>
/// </list>
/// <para>With <see cref="GlmParserOptions.PromptEndsInsideThink"/> the output starts inside the think block: a
/// <c>&lt;think&gt;</c> the model repeats at the very start (after whitespace) is dropped, and reasoning runs to
/// <c>&lt;/think&gt;</c> or, when it never comes, to the end.</para>
/// <para>Thinking off (<c>enable_thinking=false</c>, vLLM's identity parser): everything is content, except that a
/// complete <c>&lt;think&gt;…&lt;/think&gt;</c> block at the very start (after whitespace) is still split off; an
/// unterminated one stays content, tags included.</para>
/// <para>With <see cref="GlmParserOptions.ExtractAnswer"/> (GLM-4.1V-Thinking, AutoGLM-Phone): if the content contains
/// <c>&lt;answer&gt;</c>, the content becomes the text after the first <c>&lt;answer&gt;</c> up to <c>&lt;/answer&gt;</c>
/// or the end; text around the answer is dropped. Finally empty content becomes <c>null</c>; empty reasoning stays
/// <c>""</c>. Text from the first stop token on is ignored and non-text special tokens are removed (<see cref="GlmTags.StripSpecialTokens"/>).</para>
/// <para><see cref="GlmStreamingParser"/> applies exactly the same rules incrementally.</para>
/// </remarks>
public static class ReasoningParser
{
    /// <summary>Splits <paramref name="text"/> with the reasoning options of <paramref name="options"/> (tool options are ignored).</summary>
    public static ReasoningResult Parse(string text, GlmParserOptions? options = null)
    {
        options ??= new GlmParserOptions();
        return Parse(text, options.ThinkingEnabled, options.PromptEndsInsideThink, options.ExtractAnswer);
    }

    /// <summary>Splits <paramref name="text"/>; see the type remarks for the rules.</summary>
    public static ReasoningResult Parse(string text, bool thinkingEnabled, bool promptEndsInsideThink = false, bool extractAnswer = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = GlmTags.StripSpecialTokens(text);
        string? reasoning = null;
        string content;
        if (!thinkingEnabled)
        {
            int k = FirstNonWhiteSpace(text);
            int close;
            if (StartsWithAt(text, k, GlmTags.ThinkStart)
                && (close = text.IndexOf(GlmTags.ThinkEnd, k + GlmTags.ThinkStart.Length, StringComparison.Ordinal)) >= 0)
            {
                reasoning = text[(k + GlmTags.ThinkStart.Length)..close];
                content = text[(close + GlmTags.ThinkEnd.Length)..];
            }
            else
            {
                content = text;
            }
        }
        else if (promptEndsInsideThink)
        {
            int k = FirstNonWhiteSpace(text);
            int start = StartsWithAt(text, k, GlmTags.ThinkStart) ? k + GlmTags.ThinkStart.Length : 0;
            (reasoning, content) = SplitAtThinkEnd(text, start);
        }
        else
        {
            int open = text.IndexOf(GlmTags.ThinkStart, StringComparison.Ordinal);
            int close = text.IndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal);
            if (open >= 0 && (close < 0 || open < close))
            {
                (reasoning, content) = SplitAtThinkEnd(text, open + GlmTags.ThinkStart.Length);
            }
            else if (close >= 0)
            {
                reasoning = text[..close];
                content = text[(close + GlmTags.ThinkEnd.Length)..];
            }
            else
            {
                content = text;
            }
        }
        if (extractAnswer) content = ExtractAnswer(content);
        return new ReasoningResult(reasoning, content.Length == 0 ? null : content);
    }

    /// <summary>
    /// The GLM-4.1V / AutoGLM answer step: the text after the first <c>&lt;answer&gt;</c> up to the next
    /// <c>&lt;/answer&gt;</c> (or the end); <paramref name="content"/> unchanged when it has no <c>&lt;answer&gt;</c>.
    /// </summary>
    public static string ExtractAnswer(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        int open = content.IndexOf(GlmTags.AnswerStart, StringComparison.Ordinal);
        if (open < 0) return content;
        int start = open + GlmTags.AnswerStart.Length;
        int close = content.IndexOf(GlmTags.AnswerEnd, start, StringComparison.Ordinal);
        return close < 0 ? content[start..] : content[start..close];
    }

    static (string Reasoning, string Content) SplitAtThinkEnd(string text, int start)
    {
        int close = text.IndexOf(GlmTags.ThinkEnd, start, StringComparison.Ordinal);
        return close < 0 ? (text[start..], "") : (text[start..close], text[(close + GlmTags.ThinkEnd.Length)..]);
    }

    internal static int FirstNonWhiteSpace(string text)
    {
        int k = 0;
        while (k < text.Length && char.IsWhiteSpace(text[k])) k++;
        return k;
    }

    internal static bool StartsWithAt(string text, int index, string tag) =>
        index + tag.Length <= text.Length && string.CompareOrdinal(text, index, tag, 0, tag.Length) == 0;
}
