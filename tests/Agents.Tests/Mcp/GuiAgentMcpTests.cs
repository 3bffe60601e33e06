using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.Agents.Mcp;
using Glm4vSK.Agents.SemanticKernel;
using Glm4vSK.Agents.Tests.Support;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Testing.Mcp;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Glm4vSK.Agents.Tests.Mcp;

/// <summary>
/// The GUI agent as an MCP server tool <c>operate(task)</c>, called through the SDK's own client over in-memory pipes;
/// sensitive actions confirmed by the client's user through elicitation, and refused when the client cannot ask.
/// </summary>
public sealed class GuiAgentMcpTests : IDisposable
{
    const string SensitiveTap = "<think>thinking</think><answer>do(action=\"Tap\", element=[500,900], message=\"delete account\")</answer>";
    const string Finish = "<think>thinking</think><answer>finish(message=\"account deleted\")</answer>";

    readonly string _reports = Path.Combine(Path.GetTempPath(), "glm4vsk-mcp-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_reports)) Directory.Delete(_reports, recursive: true);
    }

    /// <summary>An AutoGLM phone agent on a recording executor, served with the MCP confirmer, and a connected client.</summary>
    async Task<InMemoryMcp> ServeAsync(RecordingExecutor executor, string[] replies, McpClientOptions? clientOptions = null)
    {
        var confirmer = new McpSensitiveActionConfirmer();
        var agent = new GuiAgent(new ScriptedChatClient(replies), new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), executor,
            new GuiAgentOptions { DelayAfterAction = TimeSpan.Zero, ConfirmSensitiveAction = confirmer.ConfirmAsync });
        var options = GuiAgentMcp.CreateServerOptions(new GuiAgentPlugin(agent, _reports), confirmer, "Operates the test phone.");
        return await InMemoryMcp.StartAsync(options: options, clientOptions: clientOptions);
    }

    static async Task<JsonNode> OperateAsync(McpClient client, string task)
    {
        var result = await client.CallToolAsync(GuiAgentMcp.ToolName, new Dictionary<string, object?> { ["task"] = task });
        Assert.NotEqual(true, result.IsError);
        return JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text)!;
    }

    [Fact]
    public async Task The_client_lists_operate_with_its_task_parameter_and_annotations()
    {
        await using var mcp = await ServeAsync(new RecordingExecutor(), []);
        var tool = Assert.Single(await mcp.Client.ListToolsAsync());
        Assert.Equal("operate", tool.Name);
        Assert.Equal("Operates the test phone.", tool.Description);
        var schema = JsonNode.Parse(tool.JsonSchema.GetRawText())!;
        Assert.Equal("string", (string?)schema["properties"]!["task"]!["type"]);
        Assert.Contains("task", schema["required"]!.AsArray().Select(n => (string?)n));
        Assert.Null(schema["properties"]!["cancellationToken"]);
        Assert.Equal(true, tool.ProtocolTool.Annotations?.DestructiveHint);
        Assert.Equal(false, tool.ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.Equal("glm4v-gui-agent", mcp.Client.ServerInfo?.Name);
    }

    [Fact]
    public async Task Operate_runs_the_task_and_returns_status_answer_steps_and_the_report_path()
    {
        var executor = new RecordingExecutor(1080, 2400);
        await using var mcp = await ServeAsync(executor,
            ["<think>t</think><answer>do(action=\"Swipe\", start=[500,800], end=[500,200])</answer>", Finish]);
        var json = await OperateAsync(mcp.Client, "Scroll down, then report.");
        Assert.Equal("Completed", (string?)json["status"]);
        Assert.True((bool)json["succeeded"]!);
        Assert.Equal("account deleted", (string?)json["answer"]);
        Assert.Equal(2, (int)json["steps"]!);
        string report = (string)json["report"]!;
        Assert.True(File.Exists(report), report);
        Assert.StartsWith(_reports, report);
        Assert.Single(executor.Executed);
    }

    [Fact]
    public async Task A_sensitive_action_is_refused_and_not_executed_when_the_client_cannot_ask_its_user()
    {
        var executor = new RecordingExecutor(1080, 2400);
        await using var mcp = await ServeAsync(executor, [SensitiveTap, Finish]);
        var json = await OperateAsync(mcp.Client, "Delete my account.");
        Assert.Equal("Declined", (string?)json["status"]);
        Assert.False((bool)json["succeeded"]!);
        Assert.Empty(executor.Executed);
    }

    [Theory]
    [InlineData("accept", true, true)]
    [InlineData("accept", false, false)]
    [InlineData("decline", true, false)]
    [InlineData("cancel", true, false)]
    public async Task The_clients_user_confirms_a_sensitive_action_through_elicitation(string action, bool allow, bool executed)
    {
        var executor = new RecordingExecutor(1080, 2400);
        var asked = new List<string>();
        var clientOptions = new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Form = new() } },
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, _) =>
                {
                    asked.Add(request!.Message);
                    Assert.Contains("allow", request.RequestedSchema!.Properties.Keys);
                    return ValueTask.FromResult(new ElicitResult
                    {
                        Action = action,
                        Content = action == "accept" ? new Dictionary<string, JsonElement> { ["allow"] = JsonSerializer.SerializeToElement(allow) } : null,
                    });
                },
            },
        };
        await using var mcp = await ServeAsync(executor, [SensitiveTap, Finish], clientOptions);
        var json = await OperateAsync(mcp.Client, "Delete my account.");

        var question = Assert.Single(asked);
        Assert.Contains("delete account", question);
        Assert.Equal(executed ? "Completed" : "Declined", (string?)json["status"]);
        Assert.Equal(executed ? 1 : 0, executor.Executed.Count);
    }
}
