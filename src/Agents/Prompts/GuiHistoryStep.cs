using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Prompts;

/// <summary>One earlier step as the prompt builders see it.</summary>
/// <param name="Index">0-based step number.</param>
/// <param name="ModelOutput">The model's raw answer for that step (may contain think/answer/box markers).</param>
/// <param name="Action">The parsed action, or <see langword="null"/> when the answer was rejected.</param>
/// <param name="Observation">What the model was shown at that step (its screenshot, labels, app).</param>
/// <param name="Outcome">What executing the action did, or <see langword="null"/> when it was not executed.</param>
public sealed record GuiHistoryStep(
    int Index,
    string ModelOutput,
    GuiAction? Action,
    GuiObservation Observation,
    GuiActionOutcome? Outcome);
