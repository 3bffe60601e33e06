namespace Glm4vSK.Formats;

/// <summary>The GLM-4V family's output markup, as text (think/answer, tool calls, grounding boxes, special tokens).</summary>
public static class GlmTags
{
    public const string ThinkStart = "<think>";
    public const string ThinkEnd = "</think>";
    public const string AnswerStart = "<answer>";
    public const string AnswerEnd = "</answer>";
    public const string ToolCallStart = "<tool_call>";
    public const string ToolCallEnd = "</tool_call>";
    public const string ArgKeyStart = "<arg_key>";
    public const string ArgKeyEnd = "</arg_key>";
    public const string ArgValueStart = "<arg_value>";
    public const string ArgValueEnd = "</arg_value>";
    public const string BeginOfBox = "<|begin_of_box|>";
    /// <summary>A documentation typo for <see cref="BeginOfBox"/> that the grounding parser accepts as well.</summary>
    public const string StartOfBox = "<|start_of_box|>";
    public const string EndOfBox = "<|end_of_box|>";
    public const string Observation = "<|observation|>";
    public const string User = "<|user|>";
    public const string System = "<|system|>";
    public const string Assistant = "<|assistant|>";
    public const string EndOfText = "<|endoftext|>";

    /// <summary>
    /// The tokens that end an assistant turn (<c>&lt;|endoftext|&gt;</c>, <c>&lt;|user|&gt;</c>, <c>&lt;|observation|&gt;</c>).
    /// When they reach a parser as text (decoding with <c>skip_special_tokens=false</c>) they are not content: the
    /// parsers cut the output at the first of them.
    /// </summary>
    public static IReadOnlyList<string> StopTokens { get; } = [EndOfText, User, Observation];

    /// <summary>
    /// Special tokens that are never answer text (prompt prefix, role, image/video/audio placeholders, code infill):
    /// the parsers remove them wherever they appear, as <c>skip_special_tokens</c> does. Not among them: the markup the
    /// parsers read (think, answer, tool-call tags), the grounding markers (they stay in the answer text) and the
    /// <see cref="StopTokens"/>, which end the output instead.
    /// </summary>
    public static IReadOnlyList<string> NonTextTokens { get; } =
    [
        "[gMASK]", "[MASK]", "[sMASK]", "<sop>", "<eop>", System, Assistant,
        "<|begin_of_image|>", "<|end_of_image|>", "<|image|>", "<|begin_of_video|>", "<|end_of_video|>", "<|video|>",
        "<|begin_of_audio|>", "<|end_of_audio|>", "<|begin_of_transcription|>", "<|end_of_transcription|>",
        "<|code_prefix|>", "<|code_middle|>", "<|code_suffix|>",
    ];

    /// <summary>
    /// The text before the first stop token (<see cref="StopTokens"/>) with the <see cref="NonTextTokens"/> removed:
    /// what the parsers read. <see cref="SpecialTokenFilter"/> does the same incrementally.
    /// </summary>
    public static string StripSpecialTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SpecialTokenFilter.Apply(text);
    }

    /// <summary>The text before the first stop token (<see cref="StopTokens"/>), or the whole text.</summary>
    public static string CutAtStopToken(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int cut = FirstStopToken(text);
        return cut < 0 ? text : text[..cut];
    }

    /// <summary>Where the first stop token (<see cref="StopTokens"/>) starts, or -1.</summary>
    public static int FirstStopToken(string text)
    {
        int best = -1;
        foreach (string token in StopTokens)
        {
            int i = text.IndexOf(token, StringComparison.Ordinal);
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    /// <summary>
    /// Length of the longest suffix of <paramref name="text"/>[<paramref name="start"/>..] that is a proper, non-empty
    /// prefix of one of <paramref name="tags"/>: text a streaming parser must hold back because more input could
    /// complete a tag.
    /// </summary>
    public static int PartialTagOverlap(string text, int start, IReadOnlyList<string> tags)
    {
        int best = 0;
        int available = text.Length - start;
        foreach (string tag in tags)
        {
            for (int len = Math.Min(tag.Length - 1, available); len > best; len--)
            {
                if (string.CompareOrdinal(text, text.Length - len, tag, 0, len) == 0)
                {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    /// <summary><see cref="PartialTagOverlap(string, int, IReadOnlyList{string})"/> for one tag.</summary>
    public static int PartialTagOverlap(string text, int start, string tag) => PartialTagOverlap(text, start, [tag]);
}
