using System.Runtime.CompilerServices;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Prompts;

/// <summary>What every prompt builder shares: input checks, GLM-V sampling, cached half-size screenshots.</summary>
internal static class GuiPromptSupport
{
    /// <summary>PC history screenshots are re-halved every step; keep one half-size copy per screenshot.</summary>
    private static readonly ConditionalWeakTable<Screenshot, Screenshot> HalfSize = new();

    /// <summary>Throws a clear exception when the context cannot be turned into a prompt.</summary>
    public static void Validate(GuiPromptContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(context.Task))
            throw new ArgumentException("GuiPromptContext.Task is null or blank; give the agent a task.", nameof(context));
        if (context.Current is null)
            throw new ArgumentException("GuiPromptContext.Current is null; pass the current observation (screenshot).", nameof(context));
        if (context.History is null)
            throw new ArgumentException("GuiPromptContext.History is null; pass an empty list for the first step.", nameof(context));
        for (int i = 0; i < context.History.Count; i++)
        {
            var step = context.History[i];
            if (step is null) throw new ArgumentException($"GuiPromptContext.History[{i}] is null.", nameof(context));
            if (step.ModelOutput is null) throw new ArgumentException($"GuiPromptContext.History[{i}].ModelOutput is null.", nameof(context));
            if (step.Observation is null) throw new ArgumentException($"GuiPromptContext.History[{i}].Observation is null.", nameof(context));
        }
        if (context.Apps is { } apps && apps.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("GuiPromptContext.Apps contains a null or blank app name.", nameof(context));
    }

    /// <summary>The GLM-V reference clients' sampling: <c>max_tokens=8192</c>, <c>temperature=0.001</c>.</summary>
    public static ChatOptions GlmVChatOptions() => new() { MaxOutputTokens = 8192, Temperature = 0.001f };

    /// <summary><see cref="Screenshot.Halve"/>, computed once per screenshot.</summary>
    public static Screenshot Halved(Screenshot screenshot) => HalfSize.GetValue(screenshot, s => s.Halve());

    /// <summary>The caller's extra notes as bullet lines (each <c>"\n" + indent + "- …"</c>), or an empty string.</summary>
    public static string NoteBullets(string? notes, string indent = "")
    {
        if (string.IsNullOrWhiteSpace(notes)) return "";
        var lines = notes.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0)
            .Select(l => indent + (l.StartsWith('-') ? l : "- " + l));
        return string.Concat(lines.Select(l => "\n" + l));
    }
}
