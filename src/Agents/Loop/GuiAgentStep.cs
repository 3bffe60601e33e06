using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents;

/// <summary>The record of one agent step: what the model saw and said, what was parsed, asked and done.</summary>
public sealed class GuiAgentStep
{
    /// <summary>0-based step number.</summary>
    public required int Index { get; init; }

    /// <summary>What the executor observed before the step; <see langword="null"/> if observing failed or timed out.</summary>
    public GuiObservation? Observation { get; init; }

    /// <summary>The messages sent to the model (empty if the step ended before the call).</summary>
    public IReadOnlyList<ChatMessage> Prompt { get; init; } = [];

    /// <summary>
    /// The model's answer as the parsers see it: the response text, with the reasoning the client split off put
    /// back in front as <c>&lt;think&gt;…&lt;/think&gt;</c>. <see langword="null"/> if the model call did not complete.
    /// </summary>
    public string? RawOutput { get; init; }

    /// <summary>The reasoning the chat client returned separately (<see cref="TextReasoningContent"/>), if any.</summary>
    public string? Reasoning { get; init; }

    /// <summary>The parse result; <see langword="null"/> if the model call did not complete.</summary>
    public GuiActionParseResult? Parse { get; init; }

    /// <summary>The parsed action, if any.</summary>
    public GuiAction? Action => Parse?.Action;

    /// <summary>Why the action needed confirmation, or <see langword="null"/>.</summary>
    public string? SensitivityReason { get; init; }

    /// <summary>The user's answer to the confirmation request (<see langword="null"/> when none was asked).</summary>
    public bool? Confirmed { get; init; }

    /// <summary>Whether the executor carried the action out (false in dry-run mode and for conversation-level actions).</summary>
    public bool Executed { get; init; }

    /// <summary>What happened (executor outcome, dry-run note, parse failure, user decision).</summary>
    public GuiActionOutcome? Outcome { get; init; }

    /// <summary>Token usage reported by the chat client.</summary>
    public UsageDetails? Usage { get; init; }

    /// <summary>Time spent in the model call.</summary>
    public TimeSpan ModelDuration { get; init; }

    /// <summary>Time for the whole step.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The error that ended the run in this step (timeout, exception), or <see langword="null"/>.</summary>
    public string? Error { get; init; }
}
