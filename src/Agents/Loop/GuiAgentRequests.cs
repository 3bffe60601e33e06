using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents;

/// <summary>A sensitive action waiting for the user's yes or no.</summary>
/// <param name="StepIndex">The step the action belongs to.</param>
/// <param name="Action">The action the model wants to perform.</param>
/// <param name="Reason">Why it is sensitive (AutoGLM's <c>message=</c>, "typing into a password field", …).</param>
/// <param name="Observation">The screen the action targets.</param>
public sealed record SensitiveActionRequest(int StepIndex, GuiAction Action, string Reason, GuiObservation Observation);

/// <summary>The model asks the user to take over (AutoGLM <c>Take_over</c>, e.g. to log in) or to choose (<c>Interact</c>).</summary>
/// <param name="StepIndex">The step that asked.</param>
/// <param name="Action">The <see cref="GuiActionKind.TakeOver"/> or <see cref="GuiActionKind.Interact"/> action.</param>
/// <param name="Message">What the model says the user should do.</param>
/// <param name="Observation">The screen at that moment.</param>
public sealed record TakeOverRequest(int StepIndex, GuiAction Action, string Message, GuiObservation Observation);
