using System.Text.Json.Nodes;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.SemanticKernel;
using Glm4vSK.Agents.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Glm4vSK.Agents.Tests.Loop;

public sealed class GuiAgentPluginTests
{
    private static GuiAgent Agent(RecordingExecutor executor, params string[] replies) =>
        new(new ScriptedChatClient(replies), new MinimalPromptBuilder(GuiProtocol.GlmVWeb), executor, new GuiAgentOptions { DelayAfterAction = TimeSpan.Zero });

    [Fact]
    public async Task Kernel_invokes_operate_and_gets_status_and_answer_as_json()
    {
        var executor = new RecordingExecutor();
        var agent = Agent(executor,
            "Thought: scroll\nAction: Scroll [WINDOW]; [down]\nMemory_Updated: {}",
            "Thought: found\nAction: ANSWER; <content>3 items</content>\nMemory_Updated: {}");
        var kernel = new Kernel();
        string reports = Path.Combine(Path.GetTempPath(), "glm4vsk-plugin-" + Guid.NewGuid().ToString("N"));
        try
        {
            kernel.Plugins.AddGuiAgent(agent, "browser", "Operates the shop in a browser.", reports);
            var result = await kernel.InvokeAsync("browser", "operate", new KernelArguments { ["task"] = "How many items are in the cart?" });
            var json = JsonNode.Parse(result.GetValue<string>()!)!;
            Assert.Equal("Completed", (string?)json["status"]);
            Assert.True((bool)json["succeeded"]!);
            Assert.Equal("3 items", (string?)json["answer"]);
            Assert.Equal(2, (int)json["steps"]!);
            Assert.True(File.Exists((string)json["report"]!));
            Assert.Single(executor.Executed);
        }
        finally
        {
            if (Directory.Exists(reports)) Directory.Delete(reports, true);
        }
    }

    [Fact]
    public void The_function_is_described_for_a_calling_model()
    {
        var plugin = GuiAgentKernelExtensions.CreateGuiAgentPlugin(Agent(new RecordingExecutor()), "browser", "Operates the intranet.");
        var function = plugin["operate"];
        Assert.Equal("Operates the intranet.", function.Description);
        var parameter = Assert.Single(function.Metadata.Parameters);
        Assert.Equal("task", parameter.Name);
        Assert.True(parameter.IsRequired);
        Assert.False(string.IsNullOrWhiteSpace(parameter.Description));
        // As an AIFunction (what a function-invoking IChatClient advertises) the schema names the task parameter.
        AIFunction ai = function;
        Assert.Contains("\"task\"", ai.JsonSchema.GetRawText());
    }

    [Fact]
    public async Task Plugin_object_serialises_concurrent_calls()
    {
        var executor = new RecordingExecutor();
        var client = new ScriptedChatClient((_, i) => "Thought: t\nAction: ANSWER; <content>a" + i + "</content>\nMemory_Updated: {}") { Delay = TimeSpan.FromMilliseconds(100) };
        var plugin = new GuiAgentPlugin(new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVWeb), executor));
        var results = await Task.WhenAll(plugin.OperateAsync("one"), plugin.OperateAsync("two"));
        Assert.All(results, r => Assert.Equal("Completed", (string?)JsonNode.Parse(r)!["status"]));
        Assert.NotNull(plugin.LastRun);
    }
}
