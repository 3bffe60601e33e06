using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Prompts;

/// <summary>Everything a prompt builder needs for one step.</summary>
public sealed class GuiPromptContext
{
    /// <summary>The user's task (goal / request).</summary>
    public required string Task { get; init; }

    /// <summary>The current observation (screenshot, set-of-marks elements, foreground app).</summary>
    public required GuiObservation Current { get; init; }

    /// <summary>The earlier steps, oldest first.</summary>
    public IReadOnlyList<GuiHistoryStep> History { get; init; } = [];

    /// <summary>
    /// Memory to show when the history carries none (PC: a JSON list; web: a JSON object). The builders otherwise
    /// take the memory from the latest step's answer, as the protocols do.
    /// </summary>
    public string? InitialMemory { get; init; }

    /// <summary>App names the model may open (mobile <c>open_app</c>); <see langword="null"/> = the builder's default list.</summary>
    public IReadOnlyList<string>? Apps { get; init; }

    /// <summary>Extra notes / tips appended to the protocol's own notes.</summary>
    public string? Notes { get; init; }

    /// <summary>The site the web protocol names in its task line (<c>Please interact with {url}</c>).</summary>
    public string? WebsiteUrl { get; init; }

    /// <summary>The time shown in prompts that mention it (GLM-4.5V web; AutoGLM's date line).</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.Now;
}
