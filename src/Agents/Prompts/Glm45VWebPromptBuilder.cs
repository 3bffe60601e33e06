using System.Globalization;
using System.Text;
using Glm4vSK.Formats.Gui;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// GLM-4.5V (also GLM-4.6V) on web pages with set-of-marks labels: one user message per step,
/// <c>[labelled screenshot, prompt text]</c>, no system message; the same actions, history, memory and element list as
/// <see cref="Glm41VWebPromptBuilder"/>, arranged under <c># Task:</c> (with the current time), <c># Task Platform</c>
/// (<c>Web</c>), <c># Action Space</c>, <c># Historical Actions and Current Memory</c>, <c># Output Format</c> and
/// <c># Some Additional Notes</c> (A–D, the element list in B).
/// </summary>
/// <remarks>
/// The time is <see cref="GuiPromptContext.Now"/> as <c>yyyy-MM-dd, hh:00 tt</c> in the invariant culture (e.g.
/// <c>2025-07-26, 10:00 AM</c>), in the offset <see cref="GuiPromptContext.Now"/> carries. (The recipe calls its local
/// time "Beijing" time; this prompt does not name a zone.) Notes: appended to the guidelines.
/// </remarks>
public sealed class Glm45VWebPromptBuilder : IGuiPromptBuilder
{
    /// <inheritdoc />
    public GuiProtocol Protocol => GuiProtocol.GlmVWeb;

    /// <inheritdoc />
    public bool UsesSetOfMarks => true;

    /// <summary>The task line's time: <c>yyyy-MM-dd, hh:00 tt</c>, invariant culture.</summary>
    public static string FormatTime(DateTimeOffset now) => now.ToString("yyyy-MM-dd, hh:00 tt", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public IList<ChatMessage> Build(GuiPromptContext context)
    {
        GuiPromptSupport.Validate(context);

        var sb = new StringBuilder();
        sb.Append(Glm45VText.RolePreamble);
        sb.Append("\n\n# Task:\n").Append(context.Task.Trim().TrimEnd('.')).Append(", Please interact with ").Append(GlmVWebText.Website(context))
          .Append(" and get the answer. The current time is ").Append(FormatTime(context.Now)).Append('.');
        sb.Append("\n\n# Task Platform\nWeb");
        sb.Append("\n\n# Action Space\n").Append(GlmVWebText.ActionFormats);
        sb.Append("\n\n# Historical Actions and Current Memory\n");
        sb.Append("You have **already performed the following actions** (format: Thought,Action,The Observation after the Action):\n");
        sb.Append(GlmVWebText.History(context.History)).Append('\n');
        sb.Append("The \"Memory\" in the current step as follow:\n");
        sb.Append("Memory:").Append(GuiPromptText.LatestWebMemory(context.History, context.InitialMemory));
        sb.Append("\n\n# Output Format\n").Append(GlmVWebText.OutputFormat);
        sb.Append("\n\n# Some Additional Notes\n");
        sb.Append("A. The image is a screenshot of the web page you are looking at now. Every Web Element in it carries a Numerical Label in its TOP LEFT corner. ")
          .Append("Study the screenshot to find the Numerical Label of the Web Element you need to act on, then follow the guidelines and choose one of these actions:\n");
        sb.Append(Indent(GlmVWebText.ActionChoices, "    ")).Append('\n');
        sb.Append("B. ").Append(GlmVWebText.ElementNote).Append('\n');
        sb.Append(WebElementList.Format(context.Current.Elements)).Append('\n');
        sb.Append("C. ").Append(GlmVWebText.MemoryRules).Append('\n');
        sb.Append("D. Key Guidelines You MUST follow:\n").Append(GlmVWebText.Guidelines("    "));
        if (GuiPromptSupport.NoteBullets(context.Notes, "    ") is { Length: > 0 } notes) sb.Append("\n    * Additional Notes *").Append(notes);
        return [new ChatMessage(ChatRole.User, [context.Current.Screenshot.ToDataContent(), new TextContent(sb.ToString())])];
    }

    /// <inheritdoc />
    public ChatOptions CreateChatOptions() => GuiPromptSupport.GlmVChatOptions();

    private static string Indent(string text, string indent) => string.Join("\n", text.Split('\n').Select(l => indent + l));
}
