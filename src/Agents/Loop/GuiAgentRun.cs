using Glm4vSK.Formats.Gui;

namespace Glm4vSK.Agents;

/// <summary>The result and full trace of one agent run.</summary>
public sealed class GuiAgentRun
{
    /// <summary>The task given to the agent.</summary>
    public required string Task { get; init; }

    /// <summary>The protocol the model answered in.</summary>
    public required GuiProtocol Protocol { get; init; }

    /// <summary>The executor's platform (<c>web</c>, <c>desktop</c>, <c>android</c>).</summary>
    public required string Platform { get; init; }

    /// <summary>How the run ended.</summary>
    public required GuiAgentStatus Status { get; init; }

    /// <summary>The model's answer or final message (web <c>ANSWER</c>, mobile <c>answer</c>, AutoGLM <c>finish(message=…)</c>), if any.</summary>
    public string? Answer { get; init; }

    /// <summary>A one-line explanation of <see cref="Status"/>.</summary>
    public required string Message { get; init; }

    /// <summary>The exception behind <see cref="GuiAgentStatus.Failed"/>, if any.</summary>
    public Exception? Error { get; init; }

    /// <summary>Whether actions were only recorded, not executed.</summary>
    public bool DryRun { get; init; }

    /// <summary>Every step, in order.</summary>
    public required IReadOnlyList<GuiAgentStep> Steps { get; init; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the run ended.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Whether the model finished the task (<see cref="GuiAgentStatus.Completed"/>).</summary>
    public bool Succeeded => Status == GuiAgentStatus.Completed;

    /// <summary>
    /// Writes <c>trace.json</c> (every step, screenshots embedded) and <c>report.html</c> (self-contained, each
    /// screenshot marked with what the agent did) into <paramref name="directory"/>, creating it. Returns the report path.
    /// </summary>
    public async Task<string> SaveAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        await using (var json = File.Create(Path.Combine(directory, "trace.json")))
            await GuiAgentTrace.WriteJsonAsync(this, json, cancellationToken).ConfigureAwait(false);
        string report = Path.Combine(directory, "report.html");
        await using (var html = File.Create(report))
            await GuiAgentReport.WriteHtmlAsync(this, html, cancellationToken).ConfigureAwait(false);
        return report;
    }
}
