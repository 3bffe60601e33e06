using System.CommandLine;
using Glm4vSK.Agents;
using Glm4vSK.Agents.Mcp;
using Glm4vSK.Agents.Prompts;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Cli.Hosting;

/// <summary>What the agent options asked for.</summary>
internal sealed record AgentSettings
{
    /// <summary>The in-process model, or null with <see cref="Endpoint"/>.</summary>
    public ModelSettings? Model { get; init; }
    public Uri? Endpoint { get; init; }
    public string? ApiModel { get; init; }
    public string? ApiKey { get; init; }
    public int? MaxSteps { get; init; }
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public int? MaxNewTokens { get; init; }
    public bool DryRun { get; init; }
    public bool Yes { get; init; }
    public string? ReportDirectory { get; init; }
    /// <summary>The task (empty when the agent is served over MCP, where each call brings its own).</summary>
    public required string Task { get; init; }
    /// <summary>Set for <c>glm4v mcp</c>: the agent is served as <c>operate(task)</c>, sensitive actions confirmed through it.</summary>
    public McpSensitiveActionConfirmer? Mcp { get; init; }
}

/// <summary>
/// The options every <c>glm4v agent</c> (and <c>glm4v mcp</c>) target shares: the model (local or remote), the loop, the
/// report. Served over MCP (<paramref name="serve"/>) there is no task argument: each <c>operate</c> call brings one.
/// </summary>
internal sealed class AgentOptions(bool serve = false)
{
    public ModelOptions Model { get; } = new(required: false);
    public Option<Uri?> Endpoint { get; } = new("--endpoint")
    {
        Description = "an OpenAI-compatible server (vLLM, SGLang, Z.ai) instead of --model",
        HelpName = "url",
        CustomParser = r =>
        {
            string value = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
            if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
            r.AddError($"--endpoint: '{value}' is not an http(s) URL.");
            return null;
        },
    };
    public Option<string?> ApiModel { get; } = new("--api-model") { Description = "the model name the server knows (with --endpoint)", HelpName = "name" };
    public Option<string?> ApiKey { get; } = new("--api-key") { Description = "the server's key (default: $GLM4V_API_KEY)", HelpName = "key" };
    public Option<int?> MaxSteps { get; } = CliOption.Number("--max-steps", "most actions before the run stops (default 20, phone 100)", 1, int.MaxValue, "N");
    public Option<double?> StepTimeout { get; } = CliOption.Number("--step-timeout", "seconds one step (model + action) may take (default 300)", 0.001, double.MaxValue, "seconds");
    public Option<int?> MaxNewTokens { get; } = CliOption.Number("--max-new-tokens", "most tokens per model answer (default: the protocol's)", 1, int.MaxValue, "N");
    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "show what the agent would do without doing it" };
    public Option<bool> Yes { get; } = new("--yes", "-y")
    {
        Description = serve
            ? "allow sensitive actions without asking (otherwise the MCP client's user is asked; refused when the client cannot ask)"
            : "allow sensitive actions without asking (otherwise asked on the console, refused without one)",
    };
    public Option<string?> Report { get; } = new("--report")
    {
        Description = serve ? "folder for each operate call's run-NNN/ with trace.json and report.html (default: agent-runs/mcp-<time>)"
                            : "folder for trace.json and report.html (default: agent-runs/<time>)",
        HelpName = "dir",
    };
    public Argument<string[]> Task { get; } = CliOption.Words("task", "what the agent should do (words are joined)", ArgumentArity.OneOrMore);

    public void AddTo(Command command)
    {
        Model.AddTo(command);
        foreach (var option in new Option[] { Endpoint, ApiModel, ApiKey, MaxSteps, StepTimeout, MaxNewTokens, DryRun, Yes, Report })
            command.Options.Add(option);
        if (!serve) command.Arguments.Add(Task);
        command.Validators.Add(r =>
        {
            bool model = r.GetResult(Model.Model) is not null, endpoint = r.GetResult(Endpoint) is not null;
            if (model == endpoint) r.AddError("pass either --model <dir | hub id> or --endpoint <url> --api-model <name>.");
            else if (endpoint && r.GetResult(ApiModel) is null) r.AddError("--endpoint needs --api-model <name>.");
        });
    }

    /// <summary>The settings; served over MCP, the confirmer reports its questions and answers on <paramref name="context"/>'s stderr.</summary>
    public AgentSettings Read(ParseResult parse, CliContext context) => new()
    {
        Model = Model.Read(parse),
        Endpoint = parse.GetValue(Endpoint),
        ApiModel = parse.GetValue(ApiModel),
        ApiKey = parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("GLM4V_API_KEY"),
        MaxSteps = parse.GetValue(MaxSteps),
        StepTimeout = TimeSpan.FromSeconds(parse.GetValue(StepTimeout) ?? 300),
        MaxNewTokens = parse.GetValue(MaxNewTokens),
        DryRun = parse.GetValue(DryRun),
        Yes = parse.GetValue(Yes),
        ReportDirectory = parse.GetValue(Report),
        Task = serve ? "" : string.Join(' ', parse.GetValue(Task)!),
        Mcp = serve ? new McpSensitiveActionConfirmer(context.Error.WriteLine) : null,
    };
}
