using System.Text;
using Glm4vSK.Formats.Gui;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// GLM-4.5V (also GLM-4.6V) on a desktop: one user message per step whose content
/// interleaves text and images: the sectioned prompt (<c># Task:</c>, <c># Task Platform</c>, <c># Action Space</c> with
/// <c>### name</c> / <c>Call rule: `…`</c>, <c># Historical Actions and Current Memory</c>) with
/// <c>History:</c> and, per earlier step k (1-based), <c>\nstep {k}: Screenshot:</c> followed by that step's half-size
/// screenshot for the last (at most 4) steps, or <c>(Omitted in context.)</c> for older ones, then
/// <c> Thought: {thought}\nAction: {action}</c>; then the latest memory, <c># Output Format</c>,
/// <c># Some Additional Notes</c>, <c>Current Screenshot:</c> and the current screenshot (full size) as the last part.
/// </summary>
/// <remarks>
/// The thought is the step's visible explanation without box markers and without the action call; the action is the
/// call (<see cref="GuiOutputText.SplitPc"/>). Memory: <see cref="GuiPromptText.LatestPcMemory"/>. Notes: appended to
/// the additional notes.
/// </remarks>
public sealed class Glm45VPcPromptBuilder : IGuiPromptBuilder
{
    /// <summary>How many earlier screenshots the recipe sends at most.</summary>
    public const int MaxHistoryImages = 4;

    /// <summary>The placeholder for the screenshot of a step older than the last <see cref="MaxHistoryImages"/>.</summary>
    public const string OmittedScreenshot = "(Omitted in context.)";

    /// <summary>Creates a builder; <paramref name="platform"/> is the <c># Task Platform</c> line (the recipe's is <c>Ubuntu</c>).</summary>
    public Glm45VPcPromptBuilder(string platform = "Ubuntu")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(platform);
        Platform = platform.Trim();
    }

    /// <summary>The <c># Task Platform</c> line.</summary>
    public string Platform { get; }

    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.GlmVPc;

    /// <inheritdoc />
    public IList<ChatMessage> Build(GuiPromptContext context)
    {
        GuiPromptSupport.Validate(context);
        var history = context.History;
        int images = Math.Min(MaxHistoryImages, history.Count);
        var contents = new List<AIContent>();

        var text = new StringBuilder();
        text.Append(Glm45VText.RolePreamble);
        text.Append("\n\n# Task:\n").Append(context.Task.Trim());
        text.Append("\n\n# Task Platform\n").Append(Platform);
        text.Append("\n\n# Action Space\n").Append(ActionSpace);
        text.Append("\n\n# Historical Actions and Current Memory\nHistory:");
        for (int i = 0; i < history.Count; i++)
        {
            var parts = GuiOutputText.SplitPc(history[i].ModelOutput);
            string thought = parts.Thought, action = parts.Action;
            text.Append("\nstep ").Append(i + 1).Append(": Screenshot:");
            if (i < history.Count - images)
            {
                text.Append(OmittedScreenshot);
            }
            else
            {
                contents.Add(new TextContent(text.ToString()));
                contents.Add(GuiPromptSupport.Halved(history[i].Observation.Screenshot).ToDataContent());
                text.Clear();
            }
            text.Append(" Thought: ").Append(thought).Append("\nAction: ").Append(action);
        }
        text.Append("\nMemory:\n").Append(GuiPromptText.LatestPcMemory(history, context.InitialMemory));
        text.Append("""

            # Output Format
            Plain text explanation with action(param='...')
            Memory:
            [{"key": "value"}, ...]

            # Some Additional Notes
            - Along with the earlier steps you get the screenshots of the most recent 4 of them, scaled to 50%*50%.
            - Put what you *must remember* in a separate memory part; I will give it back to you in the next round. It is a list of dicts. Drop what you no longer need, and output an empty list when there is nothing to remember.
            - You may perform any action without asking me; do not ask for confirmation.
            """);
        text.Append(GuiPromptSupport.NoteBullets(context.Notes));
        text.Append("\n\nCurrent Screenshot:\n");
        contents.Add(new TextContent(text.ToString()));
        contents.Add(context.Current.Screenshot.ToDataContent());
        return [new ChatMessage(ChatRole.User, contents)];
    }

    /// <inheritdoc />
    public ChatOptions CreateChatOptions() => GuiPromptSupport.GlmVChatOptions();

    private static readonly string ActionSpace = BuildActionSpace();

    private static string BuildActionSpace()
    {
        static object Point(string what) => Param("array", $"{what}, as [x,y] in thousandths of the screen width and height (normalized to 0-999 range).", items: "integer");
        static object ElementInfo(string verb) => Param("string", $"Optional short description of the UI element being {verb}.");

        var actions = new (string Title, string Rule, object Name, string Description, List<KeyValuePair<string, object?>> Props, string[] Required)[]
        {
            ("{left,right,middle}_click", "{left,right,middle}_click(start_box='[x,y]', element_info='')",
                new List<object?> { "left_click", "right_click", "middle_click" },
                "Click the left, right or middle mouse button once at the given point.",
                [new("start_box", Point("The point to click")), new("element_info", ElementInfo("clicked"))], ["start_box"]),
            ("hover", "hover(start_box='[x,y]', element_info='')", "hover",
                "Move the mouse pointer to the given point without clicking.",
                [new("start_box", Point("The point to move to")), new("element_info", ElementInfo("hovered"))], ["start_box"]),
            ("left_double_click", "left_double_click(start_box='[x,y]', element_info='')", "left_double_click",
                "Double-click the left mouse button at the given point.",
                [new("start_box", Point("The point to double-click")), new("element_info", ElementInfo("double-clicked"))], ["start_box"]),
            ("left_drag", "left_drag(start_box='[x1,y1]', end_box='[x2,y2]', element_info='')", "left_drag",
                "Press the left mouse button at the start point, move to the end point while holding it, and release.",
                [new("start_box", Point("Where the drag starts")), new("end_box", Point("Where the drag ends")), new("element_info", ElementInfo("dragged"))],
                ["start_box", "end_box"]),
            ("key", "key(keys='')", "key",
                "Press one key or a key combination.",
                [new("keys", Param("string", "The key, or the keys of a combination joined with '+' (for example 'ctrl+c' or 'alt+tab')."))], ["keys"]),
            ("type", "type(content='')", "type",
                "Type text into the input field that has the focus. It only types: click the field first, and clear it yourself if needed.",
                [new("content", Param("string", "The text to type."))], ["content"]),
            ("scroll", "scroll(start_box='[x,y]', direction='', step=5, element_info='')", "scroll",
                "Turn the mouse wheel over the given point, in the given direction, by a number of wheel clicks.",
                [
                    new("start_box", Point("The point over the element or area to scroll")),
                    new("direction", Param("string", "'down' or 'up'.", enumValues: ["down", "up"])),
                    new("step", Param("integer", "How many wheel clicks; 5 when left out.", defaultValue: 5L)),
                    new("element_info", ElementInfo("scrolled")),
                ],
                ["start_box", "direction"]),
            ("WAIT", "WAIT()", "WAIT", "Pause for 5 seconds before the next action.", [], []),
            ("DONE", "DONE()", "DONE", "Say that the task is completely done; nothing more needs to happen.", [], []),
            ("FAIL", "FAIL()", "FAIL", "Say that the task cannot be done.", [], []),
        };

        var sb = new StringBuilder();
        foreach (var (title, rule, name, description, props, required) in actions)
        {
            var schema = new List<KeyValuePair<string, object?>>
            {
                new("name", name),
                new("description", description),
                new("parameters", new List<KeyValuePair<string, object?>>
                {
                    new("type", "object"),
                    new("properties", props),
                    new("required", required.Cast<object?>().ToList()),
                }),
            };
            if (sb.Length > 0) sb.Append("\n\n");
            sb.Append("### ").Append(title).Append("\n\nCall rule: `").Append(rule).Append("`\n");
            AppendPretty(sb, schema, 0);
        }
        return sb.ToString();
    }

    private static List<KeyValuePair<string, object?>> Param(string type, string description, string? items = null, string[]? enumValues = null, object? defaultValue = null)
    {
        var p = new List<KeyValuePair<string, object?>> { new("type", type) };
        if (items is not null) p.Add(new("items", new List<KeyValuePair<string, object?>> { new("type", items) }));
        if (enumValues is not null) p.Add(new("enum", enumValues.Cast<object?>().ToList()));
        if (defaultValue is not null) p.Add(new("default", defaultValue));
        p.Add(new("description", description));
        return p;
    }

    /// <summary>A Python dict literal, one key per line, indented by 4 spaces per level (lists stay on one line).</summary>
    private static void AppendPretty(StringBuilder sb, object? value, int level)
    {
        if (value is List<KeyValuePair<string, object?>> dict)
        {
            if (dict.Count == 0) { sb.Append("{}"); return; }
            sb.Append("{\n");
            for (int i = 0; i < dict.Count; i++)
            {
                sb.Append(' ', (level + 1) * 4);
                PythonRepr.Append(sb, dict[i].Key);
                sb.Append(": ");
                AppendPretty(sb, dict[i].Value, level + 1);
                sb.Append(i < dict.Count - 1 ? ",\n" : "\n");
            }
            sb.Append(' ', level * 4).Append('}');
            return;
        }
        PythonRepr.Append(sb, value);
    }
}
