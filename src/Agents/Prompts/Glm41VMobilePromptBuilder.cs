using System.Text;
using Glm4vSK.Formats.Gui;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// GLM-4.1V-Thinking on an Android phone (AndroidWorld recipe): one user message per step,
/// <c>[current screenshot, prompt text]</c>, no system message. The prompt lists the JSON actions
/// (<c>{"action_type": "click", "box_2d": [[,,,]]}</c>, …), the task, the history
/// (<c>Step {idx}:\n{Memory/Reason/Action}\n\n</c>) and the answer format <c>Memory: … Reason: … Action: {…}</c>.
/// </summary>
/// <remarks>
/// The upstream prompt also mentions a second, labelled copy of the screenshot that its own client never sends; this
/// prompt describes only the screenshot that is sent. Apps: <see cref="GuiPromptContext.Apps"/> or
/// <see cref="GuiAppLists.Glm41VMobile"/>. Notes: appended to the guidelines.
/// </remarks>
public sealed class Glm41VMobilePromptBuilder : IGuiPromptBuilder
{
    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.GlmVMobile;

    /// <inheritdoc />
    public IList<ChatMessage> Build(GuiPromptContext context)
    {
        GuiPromptSupport.Validate(context);
        string apps = GuiAppLists.Join(context.Apps ?? GuiAppLists.Glm41VMobile);

        var sb = new StringBuilder();
        sb.Append("""
            You are an agent that operates an Android phone for a user. Depending on the user's goal/request you may
            - reply to the user, when the request is a question or a chat message (for example "What is on my calendar today?");
            - carry out the task described by the request, by performing actions on the phone one step at a time.

            You work step by step. At every step you receive the current screenshot of the phone and a text history of what you have done so far. From these and the goal, pick exactly one action from the list below (each entry gives a description followed by its JSON form) and output it in that JSON form.
            - When you believe the task is done, end it with the status action and goal_status complete: `{"action_type": "status", "goal_status": "complete"}`
            - When the task cannot be done (for example information is missing or a required action is impossible), end it with the `status` action and goal_status infeasible: `{"action_type": "status", "goal_status": "infeasible"}`
            - Reply to the user's question: `{"action_type": "answer", "text": "<answer_text>"}`
            -- Answer only once, in a single command. If the answer needs several pieces of information, collect them in "Memory" first and answer when you have all of them.
            - Click/tap an element on the screen; box_2d tells which element: `{"action_type": "click", "box_2d": [[,,,]]}`. box_2d is [[xmin,ymin,xmax,ymax]] in thousandths of the screen width and height (integers 0-999) and encloses the element.
            - Long press an element; box_2d works as for click: `{"action_type": "long_press", "box_2d": [[,,,]]}`.
            - Type text into a text field given by box_2d. The action taps the field, types the text and presses Enter, so do not tap the field first. The text may come from the request, from your memory or from the screen: `{"action_type": "input_text", "text": <text_input>, "box_2d": [[,,,]], 'override': True/False}`. With override True the field is emptied before typing.
            - Press the Enter key: `{"action_type": "keyboard_enter"}`
            - Go to the home screen: `{"action_type": "navigate_home"}`
            - Go back: `{"action_type": "navigate_back"}`
            - Swipe the whole screen, or one scrollable element given by box_2d, in one of four directions (leave box_2d out to swipe the whole screen): `{"action_type": "swipe", "direction": <up, down, left, right>, "box_2d": [[,,,]](optional)}`.
            - Open an app (nothing happens when it is not installed): `{"action_type": "open_app", "app_name": <name>}`
            """);
        sb.Append("\n-- supported app_names: ").Append(apps);
        sb.Append("\n- Wait for the screen to change: `{\"action_type\": \"wait\"}`\n\n");
        sb.Append("The current user goal/request is: ").Append(context.Task.Trim()).Append("\n\n");
        sb.Append("Here is a history of what you have done so far:\n");
        AppendHistory(sb, context.History);
        sb.Append("\n");
        sb.Append("""
            The current screenshot is given to you.
            Follow these guidelines:
            General:
            - A task can usually be done in several ways; choose the simplest. When something does not work, one retry may help; if the history shows it still fails, TRY A DIFFERENT approach.
            - You may have to look around the phone to collect what the task needs. For "what is on my schedule tomorrow" you would open the calendar app (`open_app`), read the entries, reply with the `answer` action and then finish with `status` complete.
            - For questions and chat messages, always reply explicitly with the `answer` action before finishing; leaving the answer on the screen is NOT enough (unless the request is to show something).
            - If the requested state already holds (for example Wi-Fi should be on and it is on), simply complete the task.
            - Two items are duplicates only when all of their attributes match, not just their names.
            Text Related Operations:
            - To select text: long press on it to enter selection mode; a few words get highlighted between two handles and a bar with `copy`, `paste`, `select all` and similar buttons usually appears. Then drag the handles until exactly the text you need is selected, or press `select all` for the whole field.
            - To delete text: select it (for the whole field, long press it and use `clear all` if offered), then press the backspace key on the keyboard.
            - To copy text: select exactly that text, then press `copy` in the selection bar.
            - To paste: long press the text box and press the `paste` button that appears.
            - If a drop-down of suggestions appears while typing, the field probably expects one of those values; click the best match.
            Action Related:
            - Type with `input_text` (passwords too) rather than tapping keys one by one. Set override to True when text already in the field must be replaced.
            - Use `swipe` in different directions to explore content that is off the screen.
            - The `swipe` direction is the direction the finger moves, which is opposite to the scroll direction: to see what is further down, swipe "up". If one direction does not work, try the opposite one.
            - If you cannot find an app's icon, go home (if needed) and swipe up to open the app drawer.
            - Swipe up moves the finger from bottom to top, swipe down from top to bottom, swipe left from right to left, swipe right from left to right.
            - `navigate_back` closes the on-screen keyboard.
            """);
        if (GuiPromptSupport.NoteBullets(context.Notes) is { Length: > 0 } notes) sb.Append("\nAdditional Notes:").Append(notes);
        sb.Append("\n\n");
        sb.Append("""
            Now output:
            1. Memory: the information you must keep for later steps. Keep only what is on the screen and will be needed later, i.e. information without which you could not decide a later action.
            2. Reason: why you take this action and keep this memory, covering what the screen shows (especially the elements that matter for the goal) and how you arrived at the action step by step.
            3. Action: the action to perform, in the correct JSON form; it must be one of the actions listed above.

            Your answer should look like:
            Memory: ...
            Reason: ...
            Action: {"action_type":...}
            """);
        return [new ChatMessage(ChatRole.User, [context.Current.Screenshot.ToDataContent(), new TextContent(sb.ToString())])];
    }

    /// <inheritdoc />
    public ChatOptions CreateChatOptions() => GuiPromptSupport.GlmVChatOptions();

    /// <summary><c>You just started…</c> or <c>Step {idx}:\n{h}\n\n</c> per step (idx from 0).</summary>
    internal static void AppendHistory(StringBuilder sb, IReadOnlyList<GuiHistoryStep> history)
    {
        if (history.Count == 0)
        {
            sb.Append("You just started, no action has been performed yet.");
            return;
        }
        for (int i = 0; i < history.Count; i++)
            sb.Append("Step ").Append(i).Append(":\n").Append(GuiPromptText.MobileHistoryEntry(history[i])).Append("\n\n");
    }
}
