using System.Text;
using Glm4vSK.Formats.Gui;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// GLM-4.1V-Thinking on a desktop (OSWorld recipe): one user message per step,
/// <c>[current screenshot (full size), up to 4 earlier screenshots (half size, oldest first), prompt text]</c>, no
/// system message. The prompt holds the action space (<c>left_click(start_box='[x,y]', element_info='')</c>, …), the
/// output rules and format (<c>Plain text explanation with action(param='...')</c> + <c>Memory:</c> JSON list), the task
/// and <c>History actions:</c> (<c>\nstep {i+1}: {explanation}\n{action}</c> per step) followed by the latest memory and,
/// when earlier screenshots are sent, a note saying how many.
/// </summary>
/// <remarks>
/// The earlier screenshots are those the model saw at the last (at most 4) history steps, each scaled to
/// <c>(W/2, H/2)</c> and re-encoded as PNG. Memory: <see cref="GuiPromptText.LatestPcMemory"/>. Notes: appended to the tips.
/// </remarks>
public sealed class Glm41VPcPromptBuilder : IGuiPromptBuilder
{
    /// <summary>How many earlier screenshots the recipe sends at most.</summary>
    public const int MaxHistoryImages = 4;

    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.GlmVPc;

    /// <inheritdoc />
    public IList<ChatMessage> Build(GuiPromptContext context)
    {
        GuiPromptSupport.Validate(context);
        var history = context.History;
        int images = Math.Min(MaxHistoryImages, history.Count);

        var sb = new StringBuilder();
        sb.Append("""
            You are a GUI operation agent. You get a task, the actions you have taken so far and recent screenshots, and you control the computer for me by giving the best next action, one step at a time, until the task is done.
            The actions you output must be in the following action space:
            left_click(start_box='[x,y]', element_info='')
            # click the left mouse button once at [x,y]
            right_click(start_box='[x,y]', element_info='')
            # click the right mouse button once at [x,y]
            middle_click(start_box='[x,y]', element_info='')
            # click the middle mouse button once at [x,y]
            hover(start_box='[x,y]', element_info='')
            # move the mouse pointer to [x,y] without clicking
            left_double_click(start_box='[x,y]', element_info='')
            # double-click the left mouse button at [x,y]
            left_drag(start_box='[x1,y1]', end_box='[x2,y2]', element_info='')
            # hold the left mouse button at [x1,y1], move to [x2,y2] and release
            key(keys='')
            # press one key or a key combination; join the keys of a combination with '+', e.g. key(keys='ctrl+c')
            type(content='')
            # type text into the element that has the focus (the text is pasted); *click the target element first to focus it*, and clear its content first if you want to replace it
            scroll(start_box='[x,y]', direction='down/up', step=k, element_info='')
            # turn the mouse wheel k clicks in the given direction with the pointer at [x,y]
            WAIT()
            # pause for 5 seconds
            DONE()
            # output this once the task is completely done
            FAIL()
            # output this when the task cannot be done at all

            The output rules are as follows:
            1. start_box and end_box are points [x, y] in thousandths of the screen width and height (normalized to 0-1000), normally on the element you act on.
            2. element_info is optional: a short description of the element you act on; fill it in when you are sure what the element is.
            3. Act one step at a time. *NEVER output more than one action at once*.
            4. When you have already acted, I give you the history of your actions and at most 4 screenshots scaled to 50%*50% that show the screen before each of your last (up to 4) actions. The first image is always the current screen at full size; the earlier screenshots follow it as the second to fifth image, in the order of the history.
            5. Put what you *must remember* in a separate memory part; I will give it back to you in the next round. It is a JSON list. Drop what you no longer need. When there is nothing to remember, still output the memory part with an empty list [].
            6. You may start with a brief explanation before the action.

            Output Format:
            Plain text explanation with action(param='...')
            Memory:
            [{"user_email": "x@gmail.com", ...}]

            Here are some helpful tips:
            - If a website is already open for the task, keep working on that site instead of going to another one.
            - You may perform any action without asking me; nobody is watching, so do not ask for confirmation.
            """);
        sb.Append(GuiPromptSupport.NoteBullets(context.Notes));
        sb.Append("\nNow Please help me to solve the following task:\n").Append(context.Task.Trim()).Append('\n');
        sb.Append("History actions:");
        for (int i = 0; i < history.Count; i++)
            sb.Append("\nstep ").Append(i + 1).Append(": ").Append(HistoryEntry(history[i]));
        sb.Append("\nMemory:\n").Append(GuiPromptText.LatestPcMemory(history, context.InitialMemory));
        if (images > 0)
        {
            sb.Append("\nNote: You will also see ").Append(images)
              .Append(" recent historical screenshots (50% scaled) showing the screen before each of your last ").Append(images)
              .Append(" actions, in chronological order (oldest first), to help you follow what your earlier actions did.");
        }

        var contents = new List<AIContent> { context.Current.Screenshot.ToDataContent() };
        for (int i = history.Count - images; i < history.Count; i++)
            contents.Add(GuiPromptSupport.Halved(history[i].Observation.Screenshot).ToDataContent());
        contents.Add(new TextContent(sb.ToString()));
        return [new ChatMessage(ChatRole.User, contents)];
    }

    /// <inheritdoc />
    public ChatOptions CreateChatOptions() => GuiPromptSupport.GlmVChatOptions();

    /// <summary>
    /// One step of <c>History actions:</c>: the step's explanation and, on its own line, its action call (box markers
    /// removed), as in the recipe's documented example; an answer without an action is shown as its visible text.
    /// </summary>
    internal static string HistoryEntry(GuiHistoryStep step)
    {
        var parts = GuiOutputText.SplitPc(step.ModelOutput);
        if (!parts.Structured) return parts.Thought;
        if (parts.Action.Length == 0) return parts.Thought.Length > 0 ? parts.Thought : GuiOutputText.EmptyAnswer;
        return parts.Thought.Length > 0 ? parts.Thought + "\n" + parts.Action : parts.Action;
    }
}
