using Glm4vSK.Formats.Gui;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// Builds the messages for one agent step in one protocol's exact shape: where the screenshot and
/// history images go, how history and memory are encoded, and the action space with its exact syntax.
/// </summary>
public interface IGuiPromptBuilder
{
    /// <summary>The output protocol the model answers in (selects the parser).</summary>
    GuiProtocol Protocol { get; }

    /// <summary>Whether the protocol refers to set-of-marks labels (web) rather than coordinates.</summary>
    bool UsesSetOfMarks => false;

    /// <summary>The messages for the step described by <paramref name="context"/>.</summary>
    IList<ChatMessage> Build(GuiPromptContext context);

    /// <summary>The sampling the protocol's reference client uses (a fresh instance each call).</summary>
    ChatOptions CreateChatOptions();
}
