using System.Globalization;
using System.Text.RegularExpressions;

namespace Glm4vSK.Formats.Gui;

/// <summary>
/// GLM-4.1V / GLM-4.5V web (WebVoyager, set-of-marks) answers: <c>Thought: … Action: Click [n] Memory_Updated: {…}</c>
/// (GLM-V prompt formats + reward <c>WebVoyager.py</c> regexes, brackets optional). Works with or
/// without <c>&lt;answer&gt;</c>. Set-of-marks actions carry labels, never coordinates: <see cref="GuiAction.Point"/> is
/// always <see langword="null"/>.
/// </summary>
public sealed partial class GlmVWebParser : IGuiActionParser
{
    /// <summary>The shared instance (the parser is stateless).</summary>
    public static GlmVWebParser Instance { get; } = new();

    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.GlmVWeb;

    /// <inheritdoc />
    public GuiActionParseResult Parse(string modelOutput)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        if (!GuiOutputText.TryPreprocess(modelOutput, out string body, out string? error))
            return GuiActionParseResult.Rejected(modelOutput, error!);

        int at = body.IndexOf("Action:", StringComparison.Ordinal);
        if (at < 0) return GuiActionParseResult.Rejected(modelOutput, "no 'Action:'");
        string action = body[(at + "Action:".Length)..];
        int memory = action.IndexOf("\nMemory_Updated:", StringComparison.Ordinal);
        if (memory >= 0) action = action[..memory];
        int begin = action.IndexOf(GlmTags.BeginOfBox, StringComparison.Ordinal);
        if (begin >= 0)
        {
            action = action[(begin + GlmTags.BeginOfBox.Length)..];
            int end = action.IndexOf(GlmTags.EndOfBox, StringComparison.Ordinal);
            if (end >= 0) action = action[..end];
        }
        action = action.Trim();

        Match m;
        if (LabelRegex().Match(action) is { Success: true } l && Number(l.Groups[1].Value) is null)
            return GuiActionParseResult.Rejected(modelOutput, $"element [{l.Groups[1].Value}] is out of range");
        if ((m = ClickRegex().Match(action)).Success)
            return Ok(GuiActionKind.Click, "click", "Click", new() { ["label"] = Label(m.Groups[1].Value) }, a => a with { Label = Number(m.Groups[1].Value) });
        if ((m = TypeRegex().Match(action)).Success)
            return Ok(GuiActionKind.TypeText, "type", "Type", new() { ["label"] = Label(m.Groups[1].Value), ["content"] = m.Groups[2].Value },
                a => a with { Label = Number(m.Groups[1].Value), Text = m.Groups[2].Value, ReplaceText = true, PressEnter = true });
        if ((m = ScrollRegex().Match(action)).Success)
        {
            string target = m.Groups[1].Value;
            return Ok(GuiActionKind.Scroll, "scroll", "Scroll", new()
            {
                ["target"] = target == "WINDOW" ? target : Label(target),
                ["direction"] = m.Groups[2].Value,
            }, a => a with { Label = target == "WINDOW" ? null : Number(target), Direction = GuiDirections.Parse(m.Groups[2].Value) });
        }
        if (action == "Wait") return Ok(GuiActionKind.Wait, "wait", "Wait", []);
        if (action == "GoBack") return Ok(GuiActionKind.NavigateBack, "go_back", "GoBack", []);
        if (action == "Bing") return Ok(GuiActionKind.Search, "bing", "Bing", []);
        if ((m = AnswerRegex().Match(action)).Success)
            return Ok(GuiActionKind.Answer, "answer", "ANSWER", new() { ["content"] = m.Groups[1].Value }, a => a with { Message = m.Groups[1].Value });
        if ((m = KeyRegex().Match(action)).Success)
            return Ok(GuiActionKind.Key, "key", "Key", new() { ["key"] = m.Groups[1].Value }, a => a with { Keys = m.Groups[1].Value });
        return GuiActionParseResult.Rejected(modelOutput, $"'{action}' is not a web action");

        GuiActionParseResult Ok(GuiActionKind kind, string type, string name, Dictionary<string, object?> args, Func<GuiAction, GuiAction>? typed = null)
        {
            var action = new GuiAction(Protocol, kind, type, name, args);
            return GuiActionParseResult.Success(modelOutput, typed is null ? action : typed(action));
        }
    }

    /// <summary>The element number, or <see langword="null"/> when it does not fit an <see cref="int"/> (no such element).</summary>
    private static int? Number(string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;

    /// <summary>The label as the fixtures keep it in <see cref="GuiAction.Args"/> (an integer; out-of-range labels were rejected first).</summary>
    private static long Label(string digits) => Number(digits)!.Value;

    [GeneratedRegex(@"^(?:Click|Type|Scroll) \[?(\d+)")]
    private static partial Regex LabelRegex();

    [GeneratedRegex(@"^Click \[?(\d+)\]?$")]
    private static partial Regex ClickRegex();

    [GeneratedRegex(@"^Type \[?(\d+)\]?[; ]+\[?(.[^\]]*)\]?$", RegexOptions.Singleline)]
    private static partial Regex TypeRegex();

    [GeneratedRegex(@"^Scroll \[?(\d+|WINDOW)\]?[; ]+\[?(up|down)\]?$")]
    private static partial Regex ScrollRegex();

    [GeneratedRegex(@"^ANSWER[; ]+<content>(.*?)</content>$", RegexOptions.Singleline)]
    private static partial Regex AnswerRegex();

    [GeneratedRegex(@"^Key[; ]+\[?(.[^\]]*)\]?$")]
    private static partial Regex KeyRegex();
}
