using System.Globalization;
using System.Text.RegularExpressions;

namespace Glm4vSK.Formats.Gui;

/// <summary>
/// GLM-4.1V / GLM-4.5V desktop (OSWorld) answers: <c>… &lt;|begin_of_box|&gt;left_click(start_box='[x,y]')&lt;|end_of_box|&gt;</c>
/// (GLM-V <c>parse_pc_response</c> + reward <c>OSWorld.py</c>).
/// </summary>
public sealed partial class GlmVPcParser : IGuiActionParser
{
    /// <summary>The shared instance (the parser is stateless).</summary>
    public static GlmVPcParser Instance { get; } = new();

    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.GlmVPc;

    private static readonly Dictionary<string, GuiActionKind> Kinds = new(StringComparer.Ordinal)
    {
        ["left_click"] = GuiActionKind.Click,
        ["right_click"] = GuiActionKind.RightClick,
        ["middle_click"] = GuiActionKind.MiddleClick,
        ["hover"] = GuiActionKind.Hover,
        ["left_double_click"] = GuiActionKind.DoubleClick,
        ["left_drag"] = GuiActionKind.Drag,
        ["key"] = GuiActionKind.Key,
        ["type"] = GuiActionKind.TypeText,
        ["scroll"] = GuiActionKind.Scroll,
        ["WAIT"] = GuiActionKind.Wait,
        ["DONE"] = GuiActionKind.Finish,
        ["FAIL"] = GuiActionKind.Finish,
    };

    private static readonly string[] StringArgs = ["element_info", "keys", "content", "direction"];

    /// <inheritdoc />
    public GuiActionParseResult Parse(string modelOutput)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        if (!GuiOutputText.TryPreprocess(modelOutput, out _, out string? error))
            return GuiActionParseResult.Rejected(modelOutput, error!);

        // The first box's content, else the first name(…) call (GLM-V's parser falls back the same way).
        string action = GuiOutputText.SplitPc(modelOutput).Action;
        if (action.Length == 0) return GuiActionParseResult.Rejected(modelOutput, "no action call found");

        var call = CallRegex().Match(action);
        if (!call.Success) return GuiActionParseResult.Rejected(modelOutput, "the action is not a call 'name(...)'");
        string name = call.Groups[1].Value, inner = call.Groups[2].Value;
        if (!Kinds.TryGetValue(name, out var kind)) return GuiActionParseResult.Rejected(modelOutput, $"unknown action '{name}' (names are case-sensitive)");
        if (!Balanced(action)) return GuiActionParseResult.Rejected(modelOutput, "unbalanced quotes or brackets");

        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        GuiPoint? start = ReadBox(inner, StartBoxRegex(), "start_box", args);
        GuiPoint? end = ReadBox(inner, EndBoxRegex(), "end_box", args);
        foreach (string key in StringArgs)
        {
            var m = Regex.Match(inner, @"(?<![\w])" + key + "='(.*?)'", RegexOptions.Singleline);
            if (m.Success) args[key] = m.Groups[1].Value;
        }
        var step = StepRegex().Match(inner);
        if (step.Success && long.TryParse(step.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long steps)) args["step"] = steps;

        string? missing = name switch
        {
            "left_click" or "right_click" or "middle_click" or "hover" or "left_double_click" when start is null => "start_box",
            "left_drag" when start is null || end is null => "start_box and end_box",
            "key" when !args.ContainsKey("keys") => "keys",
            "type" when !args.ContainsKey("content") => "content",
            "scroll" when start is null => "start_box",
            "scroll" when args.GetValueOrDefault("direction") is not ("up" or "down") => "direction (up/down)",
            "WAIT" or "DONE" or "FAIL" when inner.Trim().Length > 0 => "no arguments",
            _ => null,
        };
        if (missing is not null) return GuiActionParseResult.Rejected(modelOutput, $"'{name}' needs {missing}");

        return GuiActionParseResult.Success(modelOutput, new GuiAction(Protocol, kind, name.ToLowerInvariant(), name, args, start, end)
        {
            Text = args.GetValueOrDefault("content") as string,
            Keys = args.GetValueOrDefault("keys") as string,
            Direction = GuiDirections.Parse(args.GetValueOrDefault("direction") as string),
            // The executor caps the count; 0 or a count beyond int means "no usable step": its default applies.
            Steps = args.GetValueOrDefault("step") is long n && n is > 0 and <= int.MaxValue ? (int)n : null,
            Succeeded = name != "FAIL",
        });
    }

    private static GuiPoint? ReadBox(string inner, Regex regex, string key, Dictionary<string, object?> args)
    {
        var m = regex.Match(inner);
        if (!m.Success ||
            !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long x) ||
            !long.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long y))
            return null;
        args[key] = new List<object?> { x, y };
        return new GuiPoint(x, y);
    }

    /// <summary>The OSWorld reward check: even counts of each quote, matching counts of brackets and parentheses.</summary>
    private static bool Balanced(string s) =>
        s.Count(c => c == '\'') % 2 == 0 && s.Count(c => c == '"') % 2 == 0 &&
        s.Count(c => c == '[') == s.Count(c => c == ']') && s.Count(c => c == '(') == s.Count(c => c == ')');


    [GeneratedRegex(@"^([\w_]+)\((.*)\)$", RegexOptions.Singleline)]
    private static partial Regex CallRegex();

    [GeneratedRegex(@"(?<![\w])start_box='\[(\d+),\s*(\d+)\]'")]
    private static partial Regex StartBoxRegex();

    [GeneratedRegex(@"(?<![\w])end_box='\[(\d+),\s*(\d+)\]'")]
    private static partial Regex EndBoxRegex();

    [GeneratedRegex(@"(?<![\w])step=(\d+)")]
    private static partial Regex StepRegex();
}
