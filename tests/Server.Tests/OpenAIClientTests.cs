using System.ClientModel;
using System.Text.Json;
using Glm4vSK.Server.Tests.Support;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using OaiFinish = OpenAI.Chat.ChatFinishReason;
using OaiMessage = OpenAI.Chat.ChatMessage;

namespace Glm4vSK.Server.Tests;

/// <summary>The official OpenAI .NET client against the server over a scripted client: what it sends arrives, what the client answers comes back.</summary>
public sealed class OpenAIClientTests
{
    static ChatClient OpenAIFor(TestServer server, string key = "unused") =>
        new(server.Model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = server.V1 });

    [Fact]
    public async Task Non_streaming_answer_carries_text_finish_reason_and_usage_with_cached_tokens()
    {
        var scripted = new ScriptedChatClient(new TextReasoningContent("thinking…"), new TextContent("Hello "), new TextContent("there."));
        await using var server = await TestServer.StartAsync(scripted);
        ChatCompletion completion = await OpenAIFor(server).CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Say hello.")],
            new ChatCompletionOptions { Temperature = 0.5f, TopP = 0.9f, MaxOutputTokenCount = 7, Seed = 42, StopSequences = { "END" } });

        Assert.Equal("Hello there.", completion.Content.Single().Text);
        Assert.Equal(OaiFinish.Stop, completion.FinishReason);
        Assert.Equal(scripted.Usage.InputTokenCount, completion.Usage.InputTokenCount);
        Assert.Equal(scripted.Usage.OutputTokenCount, completion.Usage.OutputTokenCount);
        Assert.Equal(scripted.Usage.CachedInputTokenCount, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(server.Model, completion.Model);

        var (messages, options) = Assert.Single(scripted.Requests);
        Assert.Equal([ChatRole.System, ChatRole.User], messages.Select(m => m.Role));
        Assert.Equal("Say hello.", messages[1].Text);
        Assert.Equal(0.5f, options!.Temperature);
        Assert.Equal(0.9f, options.TopP!.Value, 5);
        Assert.Equal(7, options.MaxOutputTokens);
        Assert.Equal(42, options.Seed);
        Assert.Equal(["END"], options.StopSequences!);
    }

    [Fact]
    public async Task Streaming_answer_arrives_in_pieces_with_usage_last()
    {
        var scripted = new ScriptedChatClient(new TextContent("one "), new TextContent("two "), new TextContent("three"));
        await using var server = await TestServer.StartAsync(scripted);
        var text = new System.Text.StringBuilder();
        int pieces = 0;
        OaiFinish? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in OpenAIFor(server).CompleteChatStreamingAsync([new UserChatMessage("Count.")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
                pieces++;
            }
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }
        Assert.Equal("one two three", text.ToString());
        Assert.True(pieces >= 3, $"{pieces} content pieces");
        Assert.Equal(OaiFinish.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(scripted.Usage.OutputTokenCount, usage!.OutputTokenCount);
    }

    [Fact]
    public async Task An_image_part_reaches_the_client_as_inline_data()
    {
        byte[] png = Convert.FromBase64String(TinyModel.ImageDataUrl()["data:image/png;base64,".Length..]);
        var scripted = new ScriptedChatClient(new TextContent("A picture."));
        await using var server = await TestServer.StartAsync(scripted);
        ChatCompletion completion = await OpenAIFor(server).CompleteChatAsync(
            [new UserChatMessage(ChatMessageContentPart.CreateTextPart("What is this?"), ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(png), "image/png"))]);

        Assert.Equal("A picture.", completion.Content.Single().Text);
        var data = Assert.Single(scripted.Requests.Single().Messages.Single().Contents.OfType<DataContent>());
        Assert.Equal("image/png", data.MediaType);
        Assert.Equal(png, data.Data.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tools_go_in_and_a_scripted_tool_call_comes_back(bool stream)
    {
        var call = new FunctionCallContent("call_abc", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = 2L });
        var scripted = new ScriptedChatClient(call);
        await using var server = await TestServer.StartAsync(scripted);
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "The weather of a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}""")) },
            ToolChoice = ChatToolChoice.CreateAutoChoice(),
        };
        List<OaiMessage> history = [new UserChatMessage("Weather in Paris?")];

        string id, name, arguments;
        OaiFinish? finish = null;
        if (!stream)
        {
            ChatCompletion completion = await OpenAIFor(server).CompleteChatAsync(history, options);
            var tc = Assert.Single(completion.ToolCalls);
            (id, name, arguments, finish) = (tc.Id, tc.FunctionName, tc.FunctionArguments.ToString(), completion.FinishReason);
        }
        else
        {
            string? sid = null, sname = null;
            var args = new System.Text.StringBuilder();
            await foreach (var update in OpenAIFor(server).CompleteChatStreamingAsync(history, options))
            {
                foreach (var tu in update.ToolCallUpdates)
                {
                    Assert.Equal(0, tu.Index);
                    sid ??= tu.ToolCallId;
                    sname ??= tu.FunctionName;
                    if (tu.FunctionArgumentsUpdate is { } a) args.Append(a.ToString());
                }
                finish ??= update.FinishReason;
            }
            (id, name, arguments) = (sid!, sname!, args.ToString());
        }
        Assert.Equal("call_abc", id);
        Assert.Equal("get_weather", name);
        using (var doc = JsonDocument.Parse(arguments))
        {
            Assert.Equal("Paris", doc.RootElement.GetProperty("city").GetString());
            Assert.Equal(2, doc.RootElement.GetProperty("days").GetInt32());
        }
        Assert.Equal(OaiFinish.ToolCalls, finish);

        var sent = scripted.Requests.Single().Options!;
        var tool = Assert.IsAssignableFrom<AIFunctionDeclaration>(Assert.Single(sent.Tools!));
        Assert.Equal("get_weather", tool.Name);
        Assert.Equal("The weather of a city", tool.Description);
        Assert.Equal("string", tool.JsonSchema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.IsType<AutoChatToolMode>(sent.ToolMode);
    }

    [Fact]
    public async Task The_tool_loop_history_goes_back_as_calls_and_results()
    {
        var scripted = new ScriptedChatClient(new TextContent("Sunny."));
        await using var server = await TestServer.StartAsync(scripted);
        List<OaiMessage> history =
        [
            new UserChatMessage("Weather in Paris?"),
            new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_1", "get_weather", BinaryData.FromString("""{"city":"Paris"}"""))]),
            new ToolChatMessage("call_1", "sunny, 21 C"),
        ];
        ChatCompletion completion = await OpenAIFor(server).CompleteChatAsync(history);
        Assert.Equal("Sunny.", completion.Content.Single().Text);

        var messages = scripted.Requests.Single().Messages;
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], messages.Select(m => m.Role));
        var call = Assert.Single(messages[1].Contents.OfType<FunctionCallContent>());
        Assert.Equal(("call_1", "get_weather"), (call.CallId, call.Name));
        Assert.Equal("Paris", ((JsonElement)call.Arguments!["city"]!).GetString());
        var result = Assert.Single(messages[2].Contents.OfType<FunctionResultContent>());
        Assert.Equal(("call_1", "sunny, 21 C"), (result.CallId, result.Result as string));
    }
}
