using Glm4vSK.Connector;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.Server.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.Tests;

/// <summary>The project's own remote client through the server answers as the in-process client does (same model, greedy).</summary>
public sealed class RemoteParityTests
{
    static List<ChatMessage> Question() =>
    [
        new(ChatRole.User, [new DataContent(TinyModel.ImageDataUrl()), new TextContent("What is in this image?")]),
    ];

    static ChatOptions Greedy() => new() { Temperature = 0, MaxOutputTokens = 24, AdditionalProperties = new() { ["enable_thinking"] = true } };

    static (string Text, string Reasoning, string Calls) Split(ChatResponse r) =>
        (r.Text,
         string.Concat(r.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(c => c.Text)),
         string.Join("|", r.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId + c.Name + System.Text.Json.JsonSerializer.Serialize(c.Arguments))));

    [Fact]
    public async Task Greedy_text_and_reasoning_match_the_in_process_client_on_the_tiny_model()
    {
        var local = TinyModel.Client();
        await using var server = await TestServer.StartAsync(local, new Glm4vServerOptions { ServedModelNames = ["tiny"] });
        using var remote = Glm4vChatClient.ForEndpoint(server.V1, null, "tiny");

        var expected = await local.GetResponseAsync(Question(), Greedy());
        var viaServer = await remote.GetResponseAsync(Question(), Greedy());
        var viaStream = await remote.GetStreamingResponseAsync(Question(), Greedy()).ToChatResponseAsync();

        Assert.NotEqual("", expected.Text + Split(expected).Reasoning);
        Assert.Equal(Split(expected), Split(viaServer));
        Assert.Equal(Split(expected), Split(viaStream));
        Assert.Equal(expected.FinishReason, viaServer.FinishReason);
        Assert.Equal(expected.Usage!.InputTokenCount, viaServer.Usage!.InputTokenCount);
        Assert.Equal(expected.Usage.OutputTokenCount, viaStream.Usage!.OutputTokenCount);
    }

    /// <summary>
    /// The tiny fixture models cannot render the tool template (its tokens lie outside their vocabulary), so the
    /// reasoning / text / tool-call split is checked over a scripted answer: the remote client sees what the client gave.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reasoning_text_and_tool_calls_keep_their_split_through_the_server(bool stream)
    {
        var scripted = new ScriptedChatClient(
            new TextReasoningContent("I should look it up."),
            new TextContent("Checking."),
            new FunctionCallContent("call_7", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }),
            new FunctionCallContent("call_8", "get_time", new Dictionary<string, object?> { ["zone"] = "CET", ["hours"] = 24L }));
        var direct = await scripted.GetResponseAsync(Question(), Greedy());
        await using var server = await TestServer.StartAsync(scripted, new Glm4vServerOptions { ServedModelNames = ["scripted"] });
        using var remote = Glm4vChatClient.ForEndpoint(server.V1, null, "scripted");
        var options = Greedy();
        options.Tools = [AIFunctionFactory.Create((string city) => "sunny", "get_weather"), AIFunctionFactory.Create((string zone, long hours) => "noon", "get_time")];
        var viaServer = stream ? await remote.GetStreamingResponseAsync(Question(), options).ToChatResponseAsync() : await remote.GetResponseAsync(Question(), options);

        Assert.Equal(Split(direct), Split(viaServer));
        Assert.Equal(ChatFinishReason.ToolCalls, viaServer.FinishReason);
    }
}
