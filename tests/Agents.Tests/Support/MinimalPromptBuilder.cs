using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Prompts;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Tests.Support;

/// <summary>A protocol-agnostic builder for loop tests: records every context it is given.</summary>
public sealed class MinimalPromptBuilder(GuiProtocol protocol) : IGuiPromptBuilder
{
    public GuiProtocol Protocol { get; } = protocol;

    public List<GuiPromptContext> Contexts { get; } = [];

    public IList<ChatMessage> Build(GuiPromptContext context)
    {
        Contexts.Add(context);
        string history = string.Join("\n", context.History.Select(h => $"step {h.Index}: {h.ModelOutput} -> {h.Outcome?.Message}"));
        return [new ChatMessage(ChatRole.User, [context.Current.Screenshot.ToDataContent(), new TextContent($"Task: {context.Task}\n{history}")])];
    }

    public ChatOptions CreateChatOptions() => new() { Temperature = 0.001f, MaxOutputTokens = 8192 };
}
