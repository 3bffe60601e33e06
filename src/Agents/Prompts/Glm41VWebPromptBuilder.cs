using System.Text;
using Glm4vSK.Formats.Gui;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// GLM-4.1V-Thinking on web pages with set-of-marks labels (WebVoyager recipe): one user message per
/// step, <c>[labelled screenshot, prompt text]</c>, no system message. The model answers with a label, never with
/// coordinates: <c>Click [n]</c>, <c>Type [n]; [text]</c>, <c>Scroll [n or WINDOW]; [up or down]</c>, <c>Wait</c>,
/// <c>GoBack</c>, <c>Bing</c>, <c>ANSWER; &lt;content&gt;…&lt;/content&gt;</c>, <c>Key; [Return]</c>.
/// </summary>
/// <remarks>
/// Sections A–E as in the recipe: the task, the action formats, the last 15 steps
/// (<c>{idx}.Thought:{t}\tAction:{a}\tObservation:{o}\n</c>, see <see cref="GuiPromptText.WebHistoryEntry"/>), the memory
/// (<c>Memory:{…}</c>, from the latest <c>Memory_Updated:</c>, see <see cref="GuiPromptText.LatestWebMemory"/>) and the
/// element list of <see cref="Screens.GuiObservation.Elements"/> (<see cref="WebElementList"/>). The site is
/// <see cref="GuiPromptContext.WebsiteUrl"/>, else the page URL. Notes: appended to the guidelines.
/// </remarks>
public sealed class Glm41VWebPromptBuilder : IGuiPromptBuilder
{
    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.GlmVWeb;

    /// <inheritdoc />
    public bool UsesSetOfMarks => true;

    /// <inheritdoc />
    public IList<ChatMessage> Build(GuiPromptContext context)
    {
        GuiPromptSupport.Validate(context);
        string task = context.Task.Trim();

        var sb = new StringBuilder();
        sb.Append("Imagine you are an Agent that uses a computer the way a person does: it moves the mouse, clicks the mouse buttons and types on the keyboard.\n");
        sb.Append("There is also a special action, 'ANSWER', for when the answer to the task has been found.\n");
        sb.Append("Your final mission is: \"").Append(task).Append("\", Please interact with ").Append(GlmVWebText.Website(context))
          .Append(" and get the answer. You are in the middle of this task, and the image is a screenshot of the web page you are looking at now. ")
          .Append("Every Web Element in it carries a Numerical Label in its TOP LEFT corner.\n");
        sb.Append("Study the screenshot to find the Numerical Label of the Web Element you need to act on, then follow the guidelines and choose one of these actions:\n");
        sb.Append(GlmVWebText.ActionChoices).Append("\n\n");
        sb.Append("Here is some more information:\n");
        sb.Append("A. Your final task is ").Append(task.TrimEnd('.')).Append(".\n");
        sb.Append("B. ").Append(GlmVWebText.ActionFormats).Append('\n');
        sb.Append("C. You have **already performed the following actions** (format: Thought,Action,The Observation after the Action):\n");
        sb.Append(GlmVWebText.History(context.History)).Append('\n');
        sb.Append("D. ").Append(GlmVWebText.MemoryRules).Append(" The \"Memory\" in the current step as follow:\n");
        sb.Append("Memory:").Append(GuiPromptText.LatestWebMemory(context.History, context.InitialMemory)).Append('\n');
        sb.Append("E. ").Append(GlmVWebText.ElementNote).Append('\n');
        sb.Append(WebElementList.Format(context.Current.Elements)).Append("\n\n");
        sb.Append("Key Guidelines You MUST follow:\n").Append(GlmVWebText.Guidelines(""));
        if (GuiPromptSupport.NoteBullets(context.Notes) is { Length: > 0 } notes) sb.Append("\n* Additional Notes *").Append(notes);
        sb.Append("\n\n").Append(GlmVWebText.OutputFormat).Append("\n\n");
        sb.Append("Then the User will provide:\nObservation: {A labeled screenshot Given by User}");
        return [new ChatMessage(ChatRole.User, [context.Current.Screenshot.ToDataContent(), new TextContent(sb.ToString())])];
    }

    /// <inheritdoc />
    public ChatOptions CreateChatOptions() => GuiPromptSupport.GlmVChatOptions();
}
