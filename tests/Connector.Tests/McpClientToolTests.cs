using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Glm4vSK.Testing.Mcp;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// Tools of an MCP server, listed through the SDK's client as <see cref="McpClientTool"/>s (AIFunctions) and given to
/// the GLM-4V client: the images they return reach the model as image tokens in the observation turn.
/// </summary>
public sealed class McpClientToolTests
{
    static readonly byte[] Png = Images.Png();

    /// <summary>An MCP server whose tools return an image alone, and a caption with an image.</summary>
    static Task<InMemoryMcp> CameraServerAsync() => InMemoryMcp.StartAsync(
    [
        McpServerTool.Create(() => new DataContent(Png, "image/png"), new() { Name = "snapshot", Description = "Takes a picture of the room", ReadOnly = true }),
        McpServerTool.Create(() => new CallToolResult
        {
            Content = [new TextContentBlock { Text = "Room camera:" }, ImageContentBlock.FromBytes(Png, "image/png")],
        }, new() { Name = "captioned_snapshot", Description = "Takes a picture of the room with a caption", ReadOnly = true }),
    ]);

    [Theory]
    [InlineData("snapshot")]
    [InlineData("captioned_snapshot")]
    public async Task An_image_an_MCP_tool_returns_reaches_the_model_as_image_tokens(string tool)
    {
        await using var mcp = await CameraServerAsync();
        var tools = await mcp.Client.ListToolsAsync();
        Assert.Equal(["captioned_snapshot", "snapshot"], tools.Select(t => t.Name).Order());

        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true),
            $"<tool_call>{tool}\n</tool_call><|observation|>", "<think>A gradient.</think>\nIt shows a gradient.<|endoftext|>");
        using var client = new ChatClientBuilder(new Glm4vChatClient(backend)).UseFunctionInvocation().Build();
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "What do you see?")], new ChatOptions { Tools = [.. tools] });

        Assert.Equal("It shows a gradient.", response.Text.Trim());
        Assert.Equal(2, backend.Requests.Count);
        Assert.Contains("Takes a picture of the room", PromptAssert.Text(backend, 0));
        PromptAssert.ImageInObservation(backend, 1);
        if (tool == "captioned_snapshot") Assert.Contains("Room camera:", PromptAssert.Text(backend, 1));
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Null(result.Exception);
    }

    [Fact]
    public async Task An_agent_with_MCP_tools_calls_them_and_sees_the_image()
    {
        await using var mcp = await CameraServerAsync();
        var tools = await mcp.Client.ListToolsAsync();
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true),
            "<tool_call>snapshot\n</tool_call><|observation|>", "A gradient.<|endoftext|>");
        var agent = new Glm4vChatClient(backend).AsAIAgent("Look before you answer.", tools: [.. tools]);

        var response = await agent.RunAsync("What is in the room?", await agent.CreateSessionAsync());

        Assert.Equal("A gradient.", response.Text.Trim());
        PromptAssert.ImageInObservation(backend, 1);
    }
}
