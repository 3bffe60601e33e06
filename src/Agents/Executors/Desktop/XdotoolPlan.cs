namespace Glm4vSK.Agents.Executors;

/// <summary>
/// What an <see cref="X11DesktopExecutor"/> will do for one action: run xdotool with <see cref="Arguments"/>, wait
/// for <see cref="Wait"/>, or refuse with <see cref="Failure"/>. <see cref="Description"/> becomes the outcome message.
/// </summary>
internal sealed record XdotoolPlan(string Description, IReadOnlyList<string>? Arguments = null, TimeSpan? Wait = null, string? Failure = null)
{
    internal static XdotoolPlan Run(string description, IReadOnlyList<string> arguments) => new(description, Arguments: arguments);

    internal static XdotoolPlan Delay(string description, TimeSpan wait) => new(description, Wait: wait);

    internal static XdotoolPlan Refuse(string failure) => new(failure, Failure: failure);
}
