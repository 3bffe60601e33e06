using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.SemanticKernel;

namespace Glm4vSK.Agents.SemanticKernel;

/// <summary>
/// A Semantic Kernel plugin with one function, <c>operate</c>, that hands a task to a <see cref="GuiAgent"/>
/// ("operate this browser to do X") and returns the outcome as JSON: status, answer, message, step count and,
/// when a report directory is set, the path of the saved HTML report. Calls are serialised: one screen, one task
/// at a time.
/// </summary>
public sealed class GuiAgentPlugin
{
    /// <summary>The default description the calling model sees.</summary>
    public const string DefaultDescription =
        "Operates a graphical user interface (a web page, a desktop or a phone) step by step, like a person with a " +
        "mouse and keyboard, to carry out a task; returns whether it succeeded and any answer it found on screen.";

    /// <summary>The description of the <c>task</c> parameter.</summary>
    public const string TaskDescription = "The task in plain language, with every detail needed, e.g. 'open the settings page and turn on dark mode'.";

    private readonly GuiAgent _agent;
    private readonly string? _reportDirectory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _runs;

    /// <summary>Wraps <paramref name="agent"/>; each run's trace and report go under <paramref name="reportDirectory"/> when given.</summary>
    public GuiAgentPlugin(GuiAgent agent, string? reportDirectory = null)
    {
        _agent = agent ?? throw new ArgumentNullException(nameof(agent));
        _reportDirectory = reportDirectory;
    }

    /// <summary>The most recent run (for the host to inspect or save).</summary>
    public GuiAgentRun? LastRun { get; private set; }

    /// <summary>Runs <paramref name="task"/> on the agent's screen and reports the outcome as JSON.</summary>
    [KernelFunction("operate")]
    [Description(DefaultDescription)]
    public async Task<string> OperateAsync(
        [Description(TaskDescription)] string task,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var run = await _agent.RunAsync(task, cancellationToken).ConfigureAwait(false);
            LastRun = run;
            string? report = null;
            if (_reportDirectory is not null)
            {
                int n = Interlocked.Increment(ref _runs);
                report = await run.SaveAsync(Path.Combine(_reportDirectory, $"run-{n:D3}"), cancellationToken).ConfigureAwait(false);
            }
            var result = new JsonObject
            {
                ["status"] = run.Status.ToString(),
                ["succeeded"] = run.Succeeded,
                ["answer"] = run.Answer,
                ["message"] = run.Message,
                ["steps"] = run.Steps.Count,
                ["report"] = report,
            };
            return result.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
        finally
        {
            _gate.Release();
        }
    }
}
