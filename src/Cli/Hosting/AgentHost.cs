using System.Globalization;
using Glm4vSK.Agents;
using Glm4vSK.Agents.Mcp;
using Glm4vSK.Agents.SemanticKernel;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Server;

namespace Glm4vSK.Cli.Hosting;

/// <summary>The chat client an agent talks to, and the engine behind it when the model runs in-process.</summary>
internal sealed class ModelConnection : IAsyncDisposable
{
    private ModelConnection(IChatClient client, Glm4vEngine? engine, string description)
    {
        Client = client;
        Engine = engine;
        Description = description;
    }

    public IChatClient Client { get; }
    public Glm4vEngine? Engine { get; }
    public string Description { get; }

    public static async Task<ModelConnection> OpenAsync(CliContext context, AgentSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Endpoint is { } endpoint)
            return new ModelConnection(Glm4vChatClient.ForEndpoint(endpoint, settings.ApiKey, settings.ApiModel!), null, $"{settings.ApiModel} at {endpoint}");
        var model = settings.Model!;
        var engine = await ModelSource.LoadAsync(context, model, processor: null, cancellationToken);
        try
        {
            ModelSource.RequireTokenizer(engine);
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
        return new ModelConnection(new Glm4vChatClient(engine), engine, $"{engine.Config.ModelType} from {model.Model} ({engine.DType}, {engine.Device.type})");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (Engine is not null) await Engine.DisposeAsync();
    }
}

/// <summary>Runs an agent from the command line: console callbacks for sensitive actions and take-over, the report, the exit code.</summary>
internal static class AgentHost
{
    public static GuiAgentOptions Options(CliContext context, AgentSettings settings, IGuiPromptBuilder builder, string? websiteUrl = null,
        int defaultMaxSteps = 20, TimeSpan? delayAfterAction = null)
    {
        ChatOptions? chat = null;
        if (settings.MaxNewTokens is int max)
        {
            chat = builder.CreateChatOptions();
            chat.MaxOutputTokens = max;
        }
        var err = context.Error;
        return new GuiAgentOptions
        {
            MaxSteps = settings.MaxSteps ?? defaultMaxSteps,
            DelayAfterAction = delayAfterAction ?? TimeSpan.FromMilliseconds(500),
            StepTimeout = settings.StepTimeout,
            DryRun = settings.DryRun,
            ChatOptions = chat,
            WebsiteUrl = websiteUrl,
            // Over MCP, stdin is the protocol: the client's user confirms (elicitation) and nobody can take over.
            ConfirmSensitiveAction = settings.Mcp is { } mcp && !settings.Yes ? mcp.ConfirmAsync : (request, _) =>
            {
                err.WriteLine($"\nSensitive action at step {request.StepIndex}: {request.Action.Name} — {request.Reason}");
                if (settings.Yes) { err.WriteLine("allowed (--yes)"); return ValueTask.FromResult(true); }
                if (!context.InputIsTerminal) { err.WriteLine("refused (no console to ask; pass --yes to allow)"); return ValueTask.FromResult(false); }
                err.Write("Allow it? [y/N] ");
                return ValueTask.FromResult(context.Input.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes");
            },
            TakeOver = settings.Mcp is not null ? null : (request, _) =>
            {
                err.WriteLine($"\nThe agent asks you to take over: {request.Message}");
                if (!context.InputIsTerminal) return ValueTask.FromResult(false);
                err.Write("Do it on the device, then press Enter to hand back (or type 'stop'): ");
                return ValueTask.FromResult(context.Input.ReadLine()?.Trim().ToLowerInvariant() is not ("stop" or "no"));
            },
            OnStep = (step, _) =>
            {
                string what = step.Action is { } a ? $"{a.Name} {a.ArgsToJson().ToJsonString()}" : $"(unparsable: {step.Parse?.Reason})";
                err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step.Index}: {what} -> {step.Outcome?.Message} ({step.Duration.TotalSeconds:0.0} s)"));
                return ValueTask.CompletedTask;
            },
        };
    }

    /// <summary>
    /// Runs <paramref name="body"/>, which opens the target and the model, builds the agent and hands it to its
    /// <c>use</c> argument (inside the scope that keeps them open): one run of the task, then the run printed and
    /// saved, or, for <c>glm4v mcp</c>, the agent served over stdio until the client closes it. Exit codes: 0
    /// completed (or served), 3 ended otherwise (max steps, declined, …), 1 failed, 130 cancelled (the partial run is
    /// still saved).
    /// </summary>
    public static async Task<int> RunAsync(CliContext context, AgentSettings settings,
        Func<Func<GuiAgent, CancellationToken, Task<int>>, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        if (settings.Mcp is { } confirmer)
            return await body((agent, token) => ServeAsync(context, settings, confirmer, agent, token), cancellationToken);
        try
        {
            return await body(async (agent, token) => await FinishAsync(context, await agent.RunAsync(settings.Task, token), settings), cancellationToken);
        }
        catch (GuiAgentCanceledException e)
        {
            context.Error.WriteLine("cancelled");
            await FinishAsync(context, e.Run, settings);
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>Serves <paramref name="agent"/> as the MCP tool <c>operate(task)</c> on stdin/stdout; every other line goes to stderr.</summary>
    static async Task<int> ServeAsync(CliContext context, AgentSettings settings, McpSensitiveActionConfirmer confirmer, GuiAgent agent, CancellationToken cancellationToken)
    {
        // Absolute: an MCP client may start the server in any folder, and the tool result names the report.
        string reports = Path.GetFullPath(settings.ReportDirectory
            ?? Path.Combine("agent-runs", "mcp-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        var options = GuiAgentMcp.CreateServerOptions(new GuiAgentPlugin(agent, reports), confirmer);
        await using var server = McpServer.Create(new StdioServerTransport(options), options);
        context.Error.WriteLine($"serving the GUI agent as the MCP tool '{GuiAgentMcp.ToolName}' on stdin/stdout; reports under {reports}");
        await server.RunAsync(cancellationToken);
        return ExitCodes.Success;
    }

    /// <summary>Prints the result, saves trace.json + report.html, and returns the exit code.</summary>
    static async Task<int> FinishAsync(CliContext context, GuiAgentRun run, AgentSettings settings)
    {
        string dir = settings.ReportDirectory ?? Path.Combine("agent-runs", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        string report = await run.SaveAsync(dir);
        context.Output.WriteLine($"{run.Status}: {run.Message}");
        if (run.Answer is not null) context.Output.WriteLine($"answer: {run.Answer}");
        context.Output.WriteLine($"report: {Path.GetFullPath(report)}");
        return run.Status switch
        {
            GuiAgentStatus.Completed => ExitCodes.Success,
            GuiAgentStatus.Failed => ExitCodes.Failure,
            _ => ExitCodes.Unfinished,
        };
    }
}
