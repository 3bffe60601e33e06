namespace Glm4vSK.Agents;

/// <summary>How an agent run ended.</summary>
public enum GuiAgentStatus
{
    /// <summary>The model declared the task done (mobile <c>status complete</c>, PC <c>DONE()</c>, web <c>ANSWER</c>, AutoGLM <c>finish</c>).</summary>
    Completed,
    /// <summary>The model declared the task impossible (mobile <c>status infeasible</c>, PC <c>FAIL()</c>).</summary>
    Infeasible,
    /// <summary><see cref="GuiAgentOptions.MaxSteps"/> steps ran without a final answer.</summary>
    MaxStepsReached,
    /// <summary>A step (observe, model call, execute) took longer than <see cref="GuiAgentOptions.StepTimeout"/>.</summary>
    StepTimedOut,
    /// <summary>The model's output could not be parsed <see cref="GuiAgentOptions.MaxConsecutiveInvalidOutputs"/> times in a row.</summary>
    InvalidOutput,
    /// <summary>A sensitive action was refused (by the confirmation callback, or because there was none).</summary>
    Declined,
    /// <summary>The model asked for the user (AutoGLM <c>Take_over</c> / <c>Interact</c>) and no one took over.</summary>
    NeedsUser,
    /// <summary>The chat client or the executor threw; see <see cref="GuiAgentRun.Error"/>.</summary>
    Failed,
    /// <summary>The caller cancelled the run (<see cref="GuiAgentCanceledException"/> carries the partial run).</summary>
    Canceled,
}
