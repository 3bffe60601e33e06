using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Glm4vSK.Agents.Mcp;

/// <summary>
/// Confirms a GUI agent's sensitive actions through the MCP client's user (an elicitation: "allow this action?").
/// A client that cannot ask its user (no elicitation capability), a user who declines or cancels, and a server not
/// calling through MCP all refuse: over MCP a sensitive action never runs unconfirmed. Use <see cref="ConfirmAsync"/> as
/// <see cref="GuiAgentOptions.ConfirmSensitiveAction"/> and give the confirmer to <see cref="GuiAgentMcp.CreateOperateTool"/>.
/// </summary>
/// <param name="log">Told each question and answer (e.g. a host's stderr; never stdout, which is the stdio transport).</param>
public sealed class McpSensitiveActionConfirmer(Action<string>? log = null)
{
    // The server of the tool call in progress: the request-scoped instance the SDK hands to the tool (it knows the
    // client's capabilities), flowing with the call into the agent's confirmation callback.
    readonly AsyncLocal<McpServer?> _server = new();

    /// <summary>Binds the calling client's server to the rest of this async flow (the tool call).</summary>
    internal void Bind(McpServer server) => _server.Value = server;

    /// <summary>Asks the client's user; <see langword="true"/> only for an accepted form with <c>allow</c> true.</summary>
    public async ValueTask<bool> ConfirmAsync(SensitiveActionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        log?.Invoke($"sensitive action at step {request.StepIndex}: {request.Action.Name} — {request.Reason}");
        if (_server.Value is not { } server)
            return Refuse("the action was not requested through an MCP tool call");
        if (server.ClientCapabilities?.Elicitation is null)
            return Refuse("the MCP client cannot ask its user (it has no elicitation capability)");
        var result = await server.ElicitAsync(new ElicitRequestParams
        {
            Message = $"The GUI agent wants to perform a sensitive action at step {request.StepIndex}: {request.Action.Name} " +
                      $"({request.Action.ArgsToJson().ToJsonString()}). Reason: {request.Reason}. Allow it?",
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties = { ["allow"] = new ElicitRequestParams.BooleanSchema { Description = "true to let the agent perform this action", Default = false } },
                Required = ["allow"],
            },
        }, cancellationToken).ConfigureAwait(false);
        if (!result.IsAccepted) return Refuse($"the user answered '{result.Action}'");
        if (result.Content?.TryGetValue("allow", out var allow) == true && allow.ValueKind == JsonValueKind.True)
        {
            log?.Invoke("allowed by the MCP client's user");
            return true;
        }
        return Refuse("the user did not allow it");
    }

    bool Refuse(string why)
    {
        log?.Invoke($"refused: {why}");
        return false;
    }
}
