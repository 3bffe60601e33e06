using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents;

/// <summary>Settings for a <see cref="GuiAgent"/>. Read once per run; not mutated by the agent.</summary>
public sealed class GuiAgentOptions
{
    /// <summary>The most steps (model calls) in one run. Default 20.</summary>
    public int MaxSteps { get; init; } = 20;

    /// <summary>The longest one step (observe + model call + execute) may take. Default 3 minutes.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How many unparsable answers in a row end the run (<see cref="GuiAgentStatus.InvalidOutput"/>). Default 3.</summary>
    public int MaxConsecutiveInvalidOutputs { get; init; } = 3;

    /// <summary>Record and show actions without performing them. Default false.</summary>
    public bool DryRun { get; init; }

    /// <summary>Pause after each executed action so the screen settles before the next screenshot. Default 500 ms.</summary>
    public TimeSpan DelayAfterAction { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Asked before a sensitive action runs; return <see langword="true"/> to allow it. When <see langword="null"/>,
    /// sensitive actions are refused and the run ends with <see cref="GuiAgentStatus.Declined"/>.
    /// </summary>
    public Func<SensitiveActionRequest, CancellationToken, ValueTask<bool>>? ConfirmSensitiveAction { get; init; }

    /// <summary>
    /// Called when the model asks the user to take over; return <see langword="true"/> once the user is done to
    /// continue the run. When <see langword="null"/>, the run ends with <see cref="GuiAgentStatus.NeedsUser"/>.
    /// </summary>
    public Func<TakeOverRequest, CancellationToken, ValueTask<bool>>? TakeOver { get; init; }

    /// <summary>
    /// An extra sensitivity rule: return a reason to require confirmation for an action (for example every
    /// purchase button), or <see langword="null"/>. Applied besides the protocol's and the executor's own rules.
    /// </summary>
    public Func<GuiAction, GuiObservation, string?>? IsSensitive { get; init; }

    /// <summary>Called after each step with its record (for progress output or live traces).</summary>
    public Func<GuiAgentStep, CancellationToken, ValueTask>? OnStep { get; init; }

    /// <summary>Sampling for every model call; <see langword="null"/> = the prompt builder's protocol defaults.</summary>
    public ChatOptions? ChatOptions { get; init; }

    /// <summary>The parser; <see langword="null"/> = the one for the prompt builder's protocol.</summary>
    public IGuiActionParser? Parser { get; init; }

    /// <summary>Memory shown before the model has written any (PC list / web object).</summary>
    public string? InitialMemory { get; init; }

    /// <summary>App names for mobile prompts; <see langword="null"/> = the builder's default list.</summary>
    public IReadOnlyList<string>? Apps { get; init; }

    /// <summary>Extra notes added to the prompt.</summary>
    public string? Notes { get; init; }

    /// <summary>The site named in web prompts.</summary>
    public string? WebsiteUrl { get; init; }

    /// <summary>The clock for prompt times and trace timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
