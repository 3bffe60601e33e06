using System.Text.Json;
using System.Text.RegularExpressions;
using Glm4vSK.Agents.Actions;
using Glm4vSK.Formats;

namespace Glm4vSK.Agents.Protocols;

/// <summary>
/// GLM-4.1V / GLM-4.5V mobile (AndroidWorld) answers: <c>Memory: … Reason: … Action: {"action_type": …}</c>
/// (GLM-V <c>parse_mobile_response</c> + reward <c>AndroidWorld.py</c>).
/// </summary>
public sealed partial class MobileGlmVParser : IGuiActionParser
{
    /// <summary>The shared instance (the parser is stateless).</summary>
    public static MobileGlmVParser Instance { get; } = new();

    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.MobileGlmV;

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
        var m = AnswerRegex().Match(body);
        if (!m.Success) return GuiActionParseResult.Rejected(modelOutput, "expected 'Memory: … Reason: … Action: …'");

        string action = GuiOutputText.BoxedAction(m.Groups[3].Value);
        action = BoxRegex().Replace(action.Trim(), b =>
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

        GuiPoint? point = null;
        if (args.TryGetValue("box_2d", out object? box))
        {
            if (!TryReadBox(box, out var centre)) return GuiActionParseResult.Rejected(modelOutput, "'box_2d' must be [[x1, y1, x2, y2]] of ints");
            point = centre;
        }

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

        return GuiActionParseResult.Success(modelOutput, new GuiAction(Protocol, kind, type, type, args, point));
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

    private static bool TryReadBox(object? value, out GuiPoint centre)
    {
        centre = default;
        if (value is not List<object?> { Count: 1 } outer || outer[0] is not List<object?> { Count: 4 } inner || !inner.All(v => v is long))
            return false;
        centre = GuiPoint.CenterOf((long)inner[0]!, (long)inner[1]!, (long)inner[2]!, (long)inner[3]!);
        return true;
    }

    [GeneratedRegex(@"Memory:(.*?)Reason:(.*?)Action:(.*)", RegexOptions.Singleline)]
    private static partial Regex AnswerRegex();

    [GeneratedRegex(@"\[\[\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\]\]")]
    private static partial Regex BoxRegex();
}
