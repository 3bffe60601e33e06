
namespace Glm4vSK.Formats.Gui;

/// <summary>
/// AutoGLM-Phone answers: <c>do(action="Tap", element=[x,y])</c>, <c>finish(message="…")</c>
/// (Open-AutoGLM <c>client._parse_response</c> + <c>handler.parse_action</c>). Unlike the
/// upstream agent, unparsable output is rejected rather than turned into <c>finish(message=&lt;raw&gt;)</c>.
/// </summary>
public sealed class AutoGlmPhoneParser : IGuiActionParser
{
    /// <summary>The shared instance (the parser is stateless).</summary>
    public static AutoGlmPhoneParser Instance { get; } = new();

    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.AutoGlmPhone;

    private const string FinishPrefix = "finish(message=", DoPrefix = "do(action=";

    private static readonly Dictionary<string, (GuiActionKind Kind, string Type)> Actions = new(StringComparer.Ordinal)
    {
        ["Launch"] = (GuiActionKind.OpenApp, "launch"),
        ["Tap"] = (GuiActionKind.Click, "tap"),
        ["Type"] = (GuiActionKind.TypeText, "type"),
        ["Type_Name"] = (GuiActionKind.TypeText, "type"),
        ["Interact"] = (GuiActionKind.Interact, "interact"),
        ["Swipe"] = (GuiActionKind.Swipe, "swipe"),
        ["Note"] = (GuiActionKind.Note, "note"),
        ["Call_API"] = (GuiActionKind.CallApi, "call_api"),
        ["Long Press"] = (GuiActionKind.LongPress, "long_press"),
        ["Double Tap"] = (GuiActionKind.DoubleClick, "double_tap"),
        ["Take_over"] = (GuiActionKind.TakeOver, "take_over"),
        ["Back"] = (GuiActionKind.NavigateBack, "back"),
        ["Home"] = (GuiActionKind.NavigateHome, "home"),
        ["Wait"] = (GuiActionKind.Wait, "wait"),
    };

    /// <inheritdoc />
    public GuiActionParseResult Parse(string modelOutput)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        if (!GuiOutputText.TryPreprocess(modelOutput, out string body, out string? error))
            return GuiActionParseResult.Rejected(modelOutput, error!);

        int at = body.IndexOf(FinishPrefix, StringComparison.Ordinal);
        if (at >= 0)
        {
            string rest = body[(at + FinishPrefix.Length)..].Trim();
            if (!TryTakeQuoted(rest, out string? message))
                return GuiActionParseResult.Rejected(modelOutput, "finish(message=…) is not a quoted string closed by ')'");
            return GuiActionParseResult.Success(modelOutput, new GuiAction(
                Protocol, GuiActionKind.Finish, "finish", "finish", new Dictionary<string, object?> { ["message"] = message }) { Message = message });
        }
        at = body.IndexOf(DoPrefix, StringComparison.Ordinal);
        if (at < 0) return GuiActionParseResult.Rejected(modelOutput, "no 'do(action=' or 'finish(message='");
        string call = body[at..].Trim();

        // Type / Type_Name: the text is taken verbatim (inner quotes survive), as handler.parse_action does.
        foreach (string typeName in (string[])["Type", "Type_Name"])
        {
            string prefix = $"do(action=\"{typeName}\"";
            if (!call.StartsWith(prefix, StringComparison.Ordinal) || call.Length == prefix.Length || call[prefix.Length] is not (',' or ' ' or ')'))
                continue;
            int textAt = call.IndexOf("text=", prefix.Length, StringComparison.Ordinal);
            if (textAt < 0 || !TryTakeQuoted(call[(textAt + "text=".Length)..], out string? text))
                return GuiActionParseResult.Rejected(modelOutput, $"{typeName} needs text=\"…\" closed by ')'");
            // AutoGLM's Type always replaces the field's text (its handler clears the field first).
            return GuiActionParseResult.Success(modelOutput, new GuiAction(
                Protocol, GuiActionKind.TypeText, "type", typeName, new Dictionary<string, object?> { ["text"] = text }) { Text = text, ReplaceText = true });
        }

        if (!TryParseCall(call, out var kwargs, out error)) return GuiActionParseResult.Rejected(modelOutput, error!);
        if (kwargs.GetValueOrDefault("action") is not string name) return GuiActionParseResult.Rejected(modelOutput, "'action' must be a string");
        if (!Actions.TryGetValue(name, out var spec)) return GuiActionParseResult.Rejected(modelOutput, $"unknown action '{name}'");

        var args = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in kwargs)
            if (k != "action") args[k] = v;

        GuiPoint? point = null, end = null;
        switch (name)
        {
            case "Tap" or "Long Press" or "Double Tap":
                if ((point = ReadPoint(args.GetValueOrDefault("element"))) is null)
                    return GuiActionParseResult.Rejected(modelOutput, $"'{name}' needs element=[x, y]");
                break;
            case "Swipe":
                point = ReadPoint(args.GetValueOrDefault("start"));
                end = ReadPoint(args.GetValueOrDefault("end"));
                if (point is null || end is null) return GuiActionParseResult.Rejected(modelOutput, "'Swipe' needs start=[x, y] and end=[x, y]");
                break;
            case "Launch" when args.GetValueOrDefault("app") is not string:
                return GuiActionParseResult.Rejected(modelOutput, "'Launch' needs app=\"…\"");
        }
        TimeSpan? duration = null;
        if (name == "Wait")
        {
            // Open-AutoGLM's default when the model gives none.
            object? given = args.GetValueOrDefault("duration", "1 seconds");
            if (!GuiWait.TryParse(given as string, out var d))
                return GuiActionParseResult.Rejected(modelOutput, "'Wait' needs duration=\"<seconds> seconds\"");
            duration = d;
        }
        return GuiActionParseResult.Success(modelOutput, new GuiAction(Protocol, spec.Kind, spec.Type, name, args, point, end)
        {
            App = args.GetValueOrDefault("app") as string,
            Duration = duration,
            // Tap's message is the reason the tap is sensitive; Take_over, Interact and Note carry a message; Call_API an instruction.
            Message = args.GetValueOrDefault("message") as string ?? args.GetValueOrDefault("instruction") as string,
        });
    }

    /// <summary><c>"…")</c> (or <c>'…')</c>) → the text between the opening quote and the final quote-parenthesis.</summary>
    private static bool TryTakeQuoted(string rest, out string? text)
    {
        text = null;
        rest = rest.TrimEnd();
        if (rest.Length < 3 || rest[0] is not ('"' or '\'') || !rest.EndsWith(rest[0] + ")", StringComparison.Ordinal)) return false;
        text = rest[1..^2];
        return true;
    }

    private static GuiPoint? ReadPoint(object? value) =>
        value is List<object?> { Count: 2 } l && l[0] is long or double && l[1] is long or double
            ? new GuiPoint(Convert.ToDouble(l[0], System.Globalization.CultureInfo.InvariantCulture), Convert.ToDouble(l[1], System.Globalization.CultureInfo.InvariantCulture))
            : null;

    /// <summary><c>do(k=literal, …)</c> with keyword arguments only (what <c>ast.parse</c> + <c>literal_eval</c> accept).</summary>
    private static bool TryParseCall(string call, out Dictionary<string, object?> kwargs, out string? error)
    {
        kwargs = new Dictionary<string, object?>(StringComparer.Ordinal);
        int pos = "do(".Length;
        while (true)
        {
            SkipWhitespace(call, ref pos);
            if (pos >= call.Length) { error = "unterminated call"; return false; }
            if (call[pos] == ')') break;
            int start = pos;
            while (pos < call.Length && (char.IsLetterOrDigit(call[pos]) || call[pos] == '_')) pos++;
            if (pos == start || char.IsDigit(call[start])) { error = $"expected a keyword argument at offset {start}"; return false; }
            string key = call[start..pos];
            SkipWhitespace(call, ref pos);
            if (pos >= call.Length || call[pos] != '=') { error = $"expected '=' after '{key}'"; return false; }
            pos++;
            if (!PythonLiteral.TryReadPrefix(call, ref pos, out object? value, out string? literalError, lenient: true))
            {
                error = $"argument '{key}' is not a literal ({literalError})";
                return false;
            }
            if (kwargs.ContainsKey(key)) { error = $"keyword argument repeated: '{key}'"; return false; }
            kwargs[key] = value;
            SkipWhitespace(call, ref pos);
            if (pos < call.Length && call[pos] == ',') { pos++; continue; }
            if (pos < call.Length && call[pos] == ')') break;
            error = "expected ',' or ')'";
            return false;
        }
        pos++;
        SkipWhitespace(call, ref pos);
        error = pos == call.Length ? null : "unexpected text after the call";
        return error is null;
    }

    private static void SkipWhitespace(string s, ref int pos)
    {
        while (pos < s.Length && char.IsWhiteSpace(s[pos])) pos++;
    }
}
