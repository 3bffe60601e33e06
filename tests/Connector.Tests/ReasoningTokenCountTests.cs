using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

/// <summary>The local client's <c>UsageDetails.ReasoningTokenCount</c>: the generated tokens of the think block.</summary>
public sealed class ReasoningTokenCountTests
{
    const string Thought = "<think>Need the weather, so think it over.</think>";

    static (Glm4vChatClient Client, ScriptedBackend Backend) Make(string script)
    {
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), script);
        return (new Glm4vChatClient(backend), backend);
    }

    static int Tokens(ScriptedBackend backend, string text) => backend.Processor.Tokenizer.Encode(text).Count;

    [Fact]
    public async Task The_think_block_tokens_closing_tag_included_are_the_reasoning_tokens()
    {
        var (client, backend) = Make(Thought + "It is sunny.<|endoftext|>");
        var response = await client.GetResponseAsync("Weather?");
        Assert.Equal("It is sunny.", response.Text);
        Assert.Equal(Tokens(backend, Thought), response.Usage!.ReasoningTokenCount);
        Assert.Equal(Tokens(backend, Thought + "It is sunny.<|endoftext|>"), response.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Reasoning_left_out_of_the_output_is_still_counted_and_streaming_reports_the_same()
    {
        var (client, backend) = Make(Thought + "Sunny.<|endoftext|>");
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync("Weather?", new ChatOptions { Reasoning = new ReasoningOptions { Output = ReasoningOutput.None } }))
            updates.Add(u);
        Assert.DoesNotContain(updates.SelectMany(u => u.Contents), c => c is TextReasoningContent);
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal(Tokens(backend, Thought), usage.ReasoningTokenCount);
    }

    [Fact]
    public async Task An_answer_cut_off_inside_the_think_block_is_all_reasoning()
    {
        var (client, _) = Make("<think>A long line of thought that goes on and on and on.</think>Done.<|endoftext|>");
        var response = await client.GetResponseAsync("Weather?", new ChatOptions { MaxOutputTokens = 6 });
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(6, response.Usage!.OutputTokenCount);
        Assert.Equal(6, response.Usage.ReasoningTokenCount);
    }

    [Fact]
    public async Task Without_thinking_there_are_no_reasoning_tokens()
    {
        var (client, _) = Make("It is sunny.<|endoftext|>");
        var response = await client.GetResponseAsync("Weather?", new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } });
        Assert.Equal("It is sunny.", response.Text);
        Assert.Equal(0, response.Usage!.ReasoningTokenCount);

        // thinking on, but the model wrote no think block: no reasoning either
        (client, _) = Make("It is sunny.<|endoftext|>");
        response = await client.GetResponseAsync("Weather?");
        Assert.Equal("It is sunny.", response.Text);
        Assert.Equal(0, response.Usage!.ReasoningTokenCount);
    }
}
