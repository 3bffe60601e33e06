using System.ComponentModel;
using Glm4vSK.Agents.SemanticKernel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Glm4vSK.Agents.Mcp;

/// <summary>
/// Exposes a <see cref="GuiAgent"/> as an MCP server tool <c>operate(task)</c>: the same call and JSON result as the
/// Semantic Kernel plugin (<see cref="GuiAgentPlugin"/>: status, succeeded, answer, message, steps, report), for any MCP
/// client (Claude Desktop, VS Code, the SDK's own client). Serve the options with <c>McpServer.Create</c> over any
/// transport (the <c>glm4v mcp</c> command uses stdio).
/// </summary>
public static class GuiAgentMcp
{
    /// <summary>The tool's name.</summary>
    public const string ToolName = "operate";

    /// <summary>
    /// The <c>operate</c> tool over <paramref name="plugin"/> (calls are serialised by the plugin: one screen, one task).
    /// With <paramref name="confirmer"/> (the one the agent's <see cref="GuiAgentOptions.ConfirmSensitiveAction"/> uses),
    /// sensitive actions are put to the calling client's user.
    /// </summary>
    public static McpServerTool CreateOperateTool(GuiAgentPlugin plugin, McpSensitiveActionConfirmer? confirmer = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        // The SDK binds the McpServer parameter to the calling client's request-scoped server; it is not in the schema.
        return McpServerTool.Create(([Description(GuiAgentPlugin.TaskDescription)] string task, McpServer server, CancellationToken cancellationToken) =>
        {
            confirmer?.Bind(server);
            return plugin.OperateAsync(task, cancellationToken);
        }, new McpServerToolCreateOptions
        {
            Name = ToolName,
            Title = "Operate a graphical user interface",
            Description = description ?? GuiAgentPlugin.DefaultDescription,
            // It clicks and types on a real screen: not read-only, possibly destructive, not idempotent, open world.
            ReadOnly = false,
            Destructive = true,
            Idempotent = false,
            OpenWorld = true,
        });
    }

    /// <summary>Server options with the <c>operate</c> tool and instructions for the calling model.</summary>
    public static McpServerOptions CreateServerOptions(GuiAgentPlugin plugin, McpSensitiveActionConfirmer? confirmer = null, string? description = null,
        string serverName = "glm4v-gui-agent") => new()
    {
        ServerInfo = new Implementation { Name = serverName, Version = typeof(GuiAgentMcp).Assembly.GetName().Version?.ToString() ?? "1.0" },
        ServerInstructions = "Call operate with one complete task in plain language; it returns JSON with status, succeeded, " +
                             "answer, message, steps and the path of an HTML report. Sensitive actions are confirmed with the user " +
                             "(elicitation) or refused.",
        ToolCollection = [CreateOperateTool(plugin, confirmer, description)],
    };
}
