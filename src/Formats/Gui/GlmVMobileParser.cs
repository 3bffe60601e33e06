using System.Text.Json;
using System.Text.RegularExpressions;

namespace Glm4vSK.Formats.Gui;

/// <summary>
/// GLM-4.1V / GLM-4.5V mobile (AndroidWorld) answers: <c>Memory: … Reason: … Action: {"action_type": …}</c>
/// (GLM-V <c>parse_mobile_response</c> + reward <c>AndroidWorld.py</c>).
/// </summary>
public sealed partial class GlmVMobileParser : IGuiActionParser
{
    /// <summary>The shared instance (the parser is stateless).</summary>
    public static GlmVMobileParser Instance { get; } = new();

    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.GlmVMobile;

    private static readonly Dictionary<string, GuiActionKind> Kinds = new(StringComparer.Ordinal)
    {
        ["status"] = GuiActionKind.Finish,
        ["answer"] = GuiActionKind.Answer,
        ["click"] = GuiActionKind.Click,
        ["long_press"] = GuiActionKind.LongPress,
        ["input_text"] = GuiActionKind.TypeText,
        ["keyboard_enter"] = GuiActionKind.Key,
        ["navigate_home"] = GuiActionKind.NavigateHome,
        ["navigate_back"] = GuiActionKind.NavigateBack,
        ["swipe"] = GuiActionKind.Swipe,
        ["open_app"] = GuiActionKind.OpenApp,
        ["wait"] = GuiActionKind.Wait,
    };

    /// <inheritdoc />
    public GuiActionParseResult Parse(string modelOutput)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        if (!GuiOutputText.TryPreprocess(modelOutput, out string body, out string? error))
            return GuiActionParseResult.Rejected(modelOutput, error!);
        var parts = GuiOutputText.SplitMobile(modelOutput);
        if (!parts.Structured) return GuiActionParseResult.Rejected(modelOutput, "expected 'Memory: … Reason: … Action: …'");

        string action = BoxRegex().Replace(parts.Action, b =>
            "[[" + string.Join(",", Enumerable.Range(1, 4).Select(i => NormaliseInt(b.Groups[i].Value))) + "]]");
        if (action.StartsWith("{{", StringComparison.Ordinal))
            return GuiActionParseResult.Rejected(modelOutput, "'{{…}}' is not an action dict");

        if (!TryParseDict(action, out var dict, out error)) return GuiActionParseResult.Rejected(modelOutput, error!);
        if (!dict.TryGetValue("action_type", out object? typeValue) || typeValue is not string type)
            return GuiActionParseResult.Rejected(modelOutput, "missing 'action_type'");
        if (!Kinds.TryGetValue(type, out var kind)) return GuiActionParseResult.Rejected(modelOutput, $"unknown action_type '{type}'");

        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in dict)
            if (k != "action_type") args[k] = v;

        GuiBox? box = null;
        if (args.TryGetValue("box_2d", out object? boxValue))
        {
            if (!TryReadBox(boxValue, out var read)) return GuiActionParseResult.Rejected(modelOutput, "'box_2d' must be [[x1, y1, x2, y2]] of ints");
            box = read;
        }
        GuiPoint? point = box?.Center;

        string? missing = type switch
        {
            "click" or "long_press" when point is null => "box_2d",
            "input_text" when args.GetValueOrDefault("text") is not string => "text",
            "input_text" when point is null => "box_2d",
            "input_text" when args.TryGetValue("override", out object? o) && o is not bool => "override (a bool)",
            "swipe" when args.GetValueOrDefault("direction") is not ("up" or "down" or "left" or "right") => "direction (up/down/left/right)",
            "open_app" when args.GetValueOrDefault("app_name") is not string => "app_name",
            "answer" when args.GetValueOrDefault("text") is not string => "text",
            "status" when args.GetValueOrDefault("goal_status") is not ("complete" or "infeasible") => "goal_status (complete/infeasible)",
            _ => null,
        };
        if (missing is not null) return GuiActionParseResult.Rejected(modelOutput, $"'{type}' needs {missing}");

        return GuiActionParseResult.Success(modelOutput, new GuiAction(Protocol, kind, type, type, args, point)
        {
            Box = box,
            Text = type == "input_text" ? args["text"] as string : null,
            ReplaceText = type == "input_text" && args.GetValueOrDefault("override") is true,
            PressEnter = type == "input_text",
            Keys = type == "keyboard_enter" ? "Enter" : null,
            Direction = type == "swipe" ? GuiDirections.Parse(args["direction"] as string) : null,
            App = type == "open_app" ? args["app_name"] as string : null,
            Message = type == "answer" ? args["text"] as string : null,
            Succeeded = type != "status" || args["goal_status"] is "complete",
        });
    }

    private static string NormaliseInt(string digits)
    {
        string t = digits.TrimStart('0');
        return t.Length == 0 ? "0" : t;
    }

    /// <summary>JSON first, then a Python literal in which <c>true</c>/<c>false</c>/<c>null</c> are allowed.</summary>
    private static bool TryParseDict(string text, out IReadOnlyDictionary<string, object?> dict, out string? error)
    {
        dict = null!;
        object? value = null;
        bool parsed = false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            value = FromJson(doc.RootElement);
            parsed = true;
        }
        catch (JsonException)
        {
        }
        if (!parsed && !PythonLiteral.TryParse(text, out value, out string? literalError, allowJsonNames: true, lenient: true))
        {
            error = $"action is neither JSON nor a Python literal ({literalError})";
            return false;
        }
        if (value is not IReadOnlyDictionary<string, object?> d)
        {
            error = "action is not a dict";
            return false;
        }
        dict = d;
        error = null;
        return true;
    }

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (d, p) => { d[p.Name] = FromJson(p.Value); return d; }),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => PythonJson.ReadString(e),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? (object)l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static bool TryReadBox(object? value, out GuiBox box)
    {
        box = default;
        if (value is not List<object?> { Count: 1 } outer || outer[0] is not List<object?> { Count: 4 } inner || !inner.All(v => v is long))
            return false;
        box = new GuiBox((long)inner[0]!, (long)inner[1]!, (long)inner[2]!, (long)inner[3]!);
        return true;
    }


    [GeneratedRegex(@"\[\[\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\]\]")]
    private static partial Regex BoxRegex();
}
