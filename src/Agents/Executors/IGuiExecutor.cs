using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Carries out GUI actions on one target (a web page, an X11 display, an Android device) and observes it.
/// Implementations convert the action's thousandths to pixels of the observation's screenshot
/// (<see cref="GuiAction.ToPixels"/>) and start helper processes with argument lists, never shell strings.
/// </summary>
/// <remarks>
/// The agent loop handles the conversation-level actions itself (<see cref="GuiActionKind.Answer"/>,
/// <see cref="GuiActionKind.Finish"/>, <see cref="GuiActionKind.TakeOver"/>, <see cref="GuiActionKind.Interact"/>,
/// <see cref="GuiActionKind.Note"/>, <see cref="GuiActionKind.CallApi"/>) and never passes them here. An action
/// the target cannot do comes back as a failed <see cref="GuiActionOutcome"/>, not an exception; exceptions mean
/// the target itself broke (browser closed, display gone, adb missing).
/// </remarks>
public interface IGuiExecutor
{
    /// <summary>What the executor drives (<c>web</c>, <c>desktop</c>, <c>android</c>), for traces and messages.</summary>
    string Platform { get; }

    /// <summary>Takes a screenshot and whatever else the protocol needs (set-of-marks labels, foreground app).</summary>
    Task<GuiObservation> ObserveAsync(CancellationToken cancellationToken = default);

    /// <summary>Performs <paramref name="action"/>, whose coordinates refer to <paramref name="observation"/>'s screenshot.</summary>
    Task<GuiActionOutcome> ExecuteAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Why <paramref name="action"/> needs the user's confirmation on this target (for example text typed into a
    /// password field), or <see langword="null"/> when the executor sees no reason. The agent adds the
    /// protocol-level reasons (AutoGLM's <c>message=</c> on <c>Tap</c>) itself.
    /// </summary>
    ValueTask<string?> GetSensitivityAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<string?>(null);
}
