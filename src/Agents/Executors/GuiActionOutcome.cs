namespace Glm4vSK.Agents.Executors;

/// <summary>What happened when an executor performed an action (shown to the model as the step's observation).</summary>
/// <param name="Succeeded">Whether the action was carried out.</param>
/// <param name="Message">A short description (<c>"clicked (640, 360)"</c>, <c>"unknown app 'Foo'"</c>).</param>
public sealed record GuiActionOutcome(bool Succeeded, string Message)
{
    /// <summary>A successful outcome.</summary>
    public static GuiActionOutcome Success(string message) => new(true, message);

    /// <summary>A failed outcome; the task continues and the model sees the failure.</summary>
    public static GuiActionOutcome Failure(string message) => new(false, message);
}
