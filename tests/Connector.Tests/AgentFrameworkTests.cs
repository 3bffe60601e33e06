using System.Text.Json.Nodes;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// Microsoft Agent Framework's <see cref="ChatClientAgent"/> over the GLM-4V clients: the local one on the scripted
/// backend (the real tokenizer and template, prompts recorded) and the remote one against a vLLM-shaped server on
/// 127.0.0.1. Streaming runs, a session kept across turns, a tool that returns an image, reasoning as reasoning content.
/// </summary>
public sealed class AgentFrameworkTests
{
    const string Instructions = "You are a careful visual assistant.";
    static readonly byte[] Png = Images.Png();

    static ChatClientAgent LocalAgent(ScriptedBackend backend, params AITool[] tools) =>
        new Glm4vChatClient(backend).AsAIAgent(Instructions, "visual-assistant", tools: tools);

    static async Task<List<AgentResponseUpdate>> StreamAsync(AIAgent agent, string question, AgentSession session)
    {
        var updates = new List<AgentResponseUpdate>();
        await foreach (var update in agent.RunStreamingAsync(question, session)) updates.Add(update);
        return updates;
    }

    static string Reasoning(IEnumerable<AgentResponseUpdate> updates) =>
        string.Concat(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text));

    static string Answer(IEnumerable<AgentResponseUpdate> updates) =>
        string.Concat(updates.SelectMany(u => u.Contents).OfType<TextContent>().Select(t => t.Text));

    [Fact]
    public async Task A_streaming_run_surfaces_reasoning_as_reasoning_content_and_the_session_carries_the_conversation()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true),
            "<think>The user greets me.</think>\nHello, I can see images.<|endoftext|>",
            "<think>Recall the first turn.</think>\nYou greeted me.<|endoftext|>");
        var agent = LocalAgent(backend);
        var session = await agent.CreateSessionAsync();

        var first = await StreamAsync(agent, "Hi there!", session);
        Assert.True(first.Count > 2, "the run streamed in several updates");
        Assert.Equal("The user greets me.", Reasoning(first).Trim());
        Assert.Equal("Hello, I can see images.", Answer(first).Trim());
        Assert.DoesNotContain("<think>", Answer(first));

        var second = await StreamAsync(agent, "What did I say first?", session);
        Assert.Equal("You greeted me.", Answer(second).Trim());
        Assert.Equal("Recall the first turn.", Reasoning(second).Trim());

        // the second prompt holds the instructions, the first exchange and the new question, in that order
        string prompt = PromptAssert.Text(backend, 1);
        int system = prompt.IndexOf(Instructions, StringComparison.Ordinal);
        int hi = prompt.IndexOf("Hi there!", StringComparison.Ordinal);
        int hello = prompt.IndexOf("Hello, I can see images.", StringComparison.Ordinal);
        int now = prompt.IndexOf("What did I say first?", StringComparison.Ordinal);
        Assert.True(system >= 0 && system < hi && hi < hello && hello < now, prompt);
        Assert.DoesNotContain("What did I say first?", PromptAssert.Text(backend, 0));
    }

    [Fact]
    public async Task A_serialized_session_resumes_the_conversation_in_a_new_agent()
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), "First answer.<|endoftext|>", "Second answer.<|endoftext|>");
        var agent = LocalAgent(backend);
        var session = await agent.CreateSessionAsync();
        await agent.RunAsync("Remember the word pelican.", session);

        var saved = await agent.SerializeSessionAsync(session);
        var again = LocalAgent(backend);
        var restored = await again.DeserializeSessionAsync(saved);
        var response = await again.RunAsync("Which word?", restored);

        Assert.Equal("Second answer.", response.Text.Trim());
        string prompt = PromptAssert.Text(backend, 1);
        Assert.Contains("Remember the word pelican.", prompt);
        Assert.Contains("First answer.", prompt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_that_returns_an_image_is_seen_by_the_model_as_image_tokens_after_the_observation(bool streaming)
    {
        var screenshot = AIFunctionFactory.Create(() => new DataContent(Png, "image/png"), "take_screenshot", "Takes a screenshot of the screen");
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true),
            "<think>I should look.</think>\n<tool_call>take_screenshot\n</tool_call><|observation|>",
            "<think>A gradient.</think>\nThe screen shows a gradient.<|endoftext|>");
        var agent = LocalAgent(backend, screenshot);
        var session = await agent.CreateSessionAsync();

        string answer, reasoning;
        if (streaming)
        {
            var updates = await StreamAsync(agent, "What is on my screen?", session);
            (answer, reasoning) = (Answer(updates), Reasoning(updates));
        }
        else
        {
            var response = await agent.RunAsync("What is on my screen?", session);
            answer = response.Text;
            reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        }

        Assert.Equal("The screen shows a gradient.", answer.Trim());
        Assert.Contains("I should look.", reasoning);
        Assert.Contains("A gradient.", reasoning);
        Assert.Equal(2, backend.Requests.Count);
        Assert.Equal(0, backend.Requests[0].ImageRows);
        Assert.Contains("take_screenshot", PromptAssert.Text(backend, 0));
        PromptAssert.ImageInObservation(backend, 1);

        // the session holds the call, the image result and the answer for the next turn
        Assert.True(session.TryGetInMemoryChatHistory(out var history));
        Assert.Contains(history!.SelectMany(m => m.Contents), c => c is FunctionCallContent { Name: "take_screenshot" });
        Assert.Contains(history!.SelectMany(m => m.Contents), c => c is FunctionResultContent { Result: DataContent });
    }

    [Fact]
    public async Task A_ChatClientAgent_over_the_remote_client_streams_reasoning_and_keeps_the_session()
    {
        // each request streams reasoning, then the answer ("again" from the second request on)
        await using var server = new FakeChatServer((_, n) => new SseReply(
        [
            VllmWire.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }),
            VllmWire.Chunk(new JsonObject { ["reasoning_content"] = "Looking at" }),
            VllmWire.Chunk(new JsonObject { ["reasoning_content"] = " the greeting." }),
            VllmWire.Chunk(new JsonObject { ["content"] = "Hello" + (n == 0 ? "" : " again") }),
            VllmWire.Chunk(new JsonObject { ["content"] = " back." }, "stop"),
            VllmWire.UsageChunk(),
            VllmWire.Done,
        ]));
        using var client = new Glm4vRemoteChatClient(server.BaseUri, "sk-test", VllmWire.Model);
        var agent = client.AsAIAgent(Instructions);
        var session = await agent.CreateSessionAsync();

        var first = await StreamAsync(agent, "Hi!", session);
        Assert.Equal("Looking at the greeting.", Reasoning(first));
        Assert.Equal("Hello back.", Answer(first));
        var second = await StreamAsync(agent, "Once more?", session);
        Assert.Equal("Hello again back.", Answer(second));

        Assert.Equal(2, server.Requests.Count);
        var messages = server.Requests[1].Json["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => (string)m!["role"]!));
        Assert.Equal(Instructions, (string)messages[0]!["content"]!);
        Assert.Contains("Hello back.", messages[2]!.ToJsonString());
        Assert.True((bool)server.Requests[1].Json["stream"]!);
    }
}
