using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.Formats.Gui;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// GLM-4.5V (also GLM-4.6V) on an Android phone: one user message per step,
/// <c>[current screenshot, prompt text]</c>, no system message. The prompt is sectioned — <c># Task:</c>,
/// <c># Task Platform</c> (<c>Mobile</c>), <c># Action Space</c> (one <c>### name</c> per action with
/// <c>Calling rule: `{…}`</c> and a JSON schema), <c># Historical Actions and Current Memory</c>,
/// <c># Output Format</c>, <c># Some Additional Notes</c> — and the answer format is the same
/// <c>Memory: … Reason: … Action: {…}</c> as GLM-4.1V's.
/// </summary>
/// <remarks>Apps: <see cref="GuiPromptContext.Apps"/> or <see cref="GuiAppLists.Glm45VMobile"/>. Notes: appended to the additional notes.</remarks>
public sealed class Glm45VMobilePromptBuilder : IGuiPromptBuilder
{
    private static readonly JsonSerializerOptions SchemaJson = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.GlmVMobile;

    /// <inheritdoc />
    public IList<ChatMessage> Build(GuiPromptContext context)
    {
        GuiPromptSupport.Validate(context);
        string apps = GuiAppLists.Join(context.Apps ?? GuiAppLists.Glm45VMobile);

        var sb = new StringBuilder();
        sb.Append(Glm45VText.RolePreamble);
        sb.Append("\n\n# Task:\n").Append(context.Task.Trim());
        sb.Append("\n\n# Task Platform\nMobile");
        sb.Append("\n\n# Action Space\n");
        AppendActionSpace(sb, apps);
        sb.Append("\n\n# Historical Actions and Current Memory\n");
        Glm41VMobilePromptBuilder.AppendHistory(sb, context.History);
        sb.Append("\n");
        sb.Append("""
            # Output Format
            1. Memory: the information you must keep for later steps. Keep only what is on the screen and will be needed later, i.e. information without which you could not decide a later action.
            2. Reason: why you take this action and keep this memory, covering what the screen shows (especially the elements that matter for the goal) and how you arrived at the action step by step.
            3. Action: the action to perform, in the correct JSON form; it must be one of the actions in the action space.

            Your answer should look like:
            Memory: ...
            Reason: ...
            Action: {"action_type":...}

            # Some Additional Notes
            General:
            - A task can usually be done in several ways; choose the simplest. When something does not work, one retry may help; if the history shows it still fails, TRY A DIFFERENT approach.
            - You may have to look around the phone to collect what the task needs. For "what is on my schedule tomorrow" you would open the calendar app (`open_app`), read the entries, reply with `answer` and then finish with `status` complete.
            - For questions and chat messages, always reply explicitly with `answer` before finishing; leaving the answer on the screen is NOT enough (unless the request is to show something).
            - If the requested state already holds (for example Wi-Fi should be on and it is on), simply complete the task.
            - Two items are duplicates only when all of their attributes match, not just their names.
            Text Related Operations:
            - To select text: long press on it to enter selection mode, then drag the two handles until exactly the text you need is highlighted, or press `select all` in the selection bar.
            - To delete text: select it (for the whole field, long press it and use `clear all` if offered), then press backspace on the keyboard.
            - To copy text: select exactly that text and press `copy` in the selection bar. To paste: long press the text box and press `paste`.
            - If a drop-down of suggestions appears while typing, the field probably expects one of those values; click the best match.
            Action Related:
            - Type with `input_text` (passwords too) rather than tapping keys one by one. Set override to true when text already in the field must be replaced.
            - Use `swipe` in different directions to explore content that is off the screen.
            - The `swipe` direction is the direction the finger moves, which is opposite to the scroll direction: to see what is further down, swipe "up". If one direction does not work, try the opposite one.
            - If you cannot find an app's icon, go home (if needed) and swipe up to open the app drawer.
            - `navigate_back` closes the on-screen keyboard.
            App Related:
            - To carry information between pages or apps, keep it in "Memory" rather than using a "Share" function.
            - Before scrolling a long list or document, write what matters on the current screen into "Memory", or it is lost. An empty area at the bottom, or a list that no longer moves, means you reached the end.
            - Use an app's search function to find a file in a folder or a text in a long document.
            - A first start of an app may show a welcome screen; skip it (usually with an arrow or "DONE" button at the bottom).
            """);
        sb.Append(GuiPromptSupport.NoteBullets(context.Notes));
        sb.Append('\n');
        return [new ChatMessage(ChatRole.User, [context.Current.Screenshot.ToDataContent(), new TextContent(sb.ToString())])];
    }

    /// <inheritdoc />
    public ChatOptions CreateChatOptions() => GuiPromptSupport.GlmVChatOptions();

    private const string BoxDescription = "The element as [[xmin,ymin,xmax,ymax]], each value in thousandths (0-999) of the screen width or height.";

    private static void AppendActionSpace(StringBuilder sb, string apps)
    {
        var actions = new (string Name, string Rule, string Description, JsonObject Properties, string[] Required)[]
        {
            ("status", """{"action_type": "status", "goal_status": "<complete|infeasible>"}""",
                "End the task: goal_status complete when it is done, infeasible when it cannot be done.",
                new() { ["goal_status"] = Prop("string", "Whether the task is complete or infeasible.", "complete", "infeasible") },
                ["goal_status"]),
            ("answer", """{"action_type": "answer", "text": "<answer_text>"}""",
                "Reply to the user's question (once, when all needed information is known).",
                new() { ["text"] = Prop("string", "The reply.") },
                ["text"]),
            ("click", """{"action_type": "click", "box_2d": [[xmin,ymin,xmax,ymax]]}""",
                "Tap the element enclosed by box_2d.",
                new() { ["box_2d"] = Prop("array", BoxDescription) },
                ["box_2d"]),
            ("long_press", """{"action_type": "long_press", "box_2d": [[xmin,ymin,xmax,ymax]]}""",
                "Long press the element enclosed by box_2d.",
                new() { ["box_2d"] = Prop("array", BoxDescription) },
                ["box_2d"]),
            ("input_text", """{"action_type": "input_text", "text": "<text_input>", "box_2d": [[xmin,ymin,xmax,ymax]], "override": true/false}""",
                "Type text into the text field enclosed by box_2d: the action taps the field, types the text and presses Enter.",
                new()
                {
                    ["text"] = Prop(null, "The text to type, taken from the request, the memory or the screen."),
                    ["box_2d"] = Prop(null, BoxDescription),
                    ["override"] = Prop(null, "true: empty the field before typing; false: add the text to what is there."),
                },
                ["text", "box_2d", "override"]),
            ("keyboard_enter", """{"action_type": "keyboard_enter"}""", "Press the Enter key.", new(), []),
            ("navigate_home", """{"action_type": "navigate_home"}""", "Go to the home screen.", new(), []),
            ("navigate_back", """{"action_type": "navigate_back"}""", "Go back.", new(), []),
            ("swipe", """{"action_type": "swipe", "direction": "<up|down|left|right>", "box_2d": [[xmin,ymin,xmax,ymax]](optional)}""",
                "Swipe the whole screen, or the scrollable element enclosed by box_2d, in one of four directions (the direction the finger moves).",
                new()
                {
                    ["direction"] = Prop("string", "The direction the finger moves.", "up", "down", "left", "right"),
                    ["box_2d"] = Prop("array", "The element to swipe; leave it out to swipe the whole screen."),
                },
                ["direction"]),
            ("open_app", """{"action_type": "open_app", "app_name": "<name>"}""",
                "Open an app (nothing happens when it is not installed).",
                new() { ["app_name"] = Prop("string", "The app to open. Supported apps: " + apps) },
                ["app_name"]),
            ("wait", """{"action_type": "wait"}""", "Wait for the screen to change.", new(), []),
        };

        for (int i = 0; i < actions.Length; i++)
        {
            var (name, rule, description, properties, required) = actions[i];
            var schema = new JsonObject
            {
                ["name"] = name,
                ["description"] = description,
                ["parameters"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = properties,
                    ["required"] = new JsonArray(required.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
                },
            };
            if (i > 0) sb.Append("\n\n");
            sb.Append("### ").Append(name).Append("\n\nCalling rule: `").Append(rule).Append("`\n");
            sb.Append(schema.ToJsonString(SchemaJson));
        }
    }

    private static JsonObject Prop(string? type, string description, params string[] values)
    {
        var p = new JsonObject();
        if (type is not null) p["type"] = type;
        p["description"] = description;
        if (values.Length > 0) p["enum"] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        return p;
    }
}
