namespace Glm4vSK.Agents;

/// <summary>The caller cancelled an agent run; <see cref="Run"/> holds the steps completed so far.</summary>
public sealed class GuiAgentCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception for <paramref name="run"/>.</summary>
    public GuiAgentCanceledException(GuiAgentRun run, CancellationToken token)
        : base($"The agent run was cancelled after {run.Steps.Count} step(s).", token) => Run = run;

    /// <summary>The partial run (status <see cref="GuiAgentStatus.Canceled"/>).</summary>
    public GuiAgentRun Run { get; }
}
