using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Testing;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Tests;

/// <summary>The local client on a real (tiny, random) engine: many callers at once, one cancelled.</summary>
public sealed class ConcurrencyTests
{
    static readonly Lazy<Glm4vEngine> Engine = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), "glm4vsk-connector-tests", "engine-" + Guid.NewGuid().ToString("N")[..8]);
        TinyCheckpoint.Write(dir, TinyCheckpoint.FixtureShapedConfig());
        TinyCheckpoint.WritePreprocessorConfig(dir);
        TinyTokenizer.Write(dir);
        // GLM-4.5V-family template, so that thinking can be switched off and the answer streams from the first token.
        File.WriteAllText(Path.Combine(dir, "chat_template.jinja"), "[gMASK]<sop>{# <arg_key> /nothink <tool_response> #}<|assistant|>");
        return Glm4vEngine.Load(dir, new EngineOptions { CpuThreads = 1 });
    });

    [Fact]
    public async Task Sixteen_concurrent_streams_complete_and_cancelling_one_leaves_the_others_intact()
    {
        using var client = new Glm4vChatClient(Engine.Value);
        var options = new ChatOptions
        {
            MaxOutputTokens = 8, Seed = 1, Temperature = 1f, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None },
            RawRepresentationFactory = _ => new SamplingOptions { IgnoreEos = true },
        };
        using var cancelOne = new CancellationTokenSource();
        async Task<(int Updates, ChatResponse? Response, bool Cancelled)> Run(int i)
        {
            var updates = new List<ChatResponseUpdate>();
            try
            {
                await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, $"request {i}")], options, i == 5 ? cancelOne.Token : default))
                {
                    updates.Add(u);
                    if (i == 5 && updates.Count == 2) cancelOne.Cancel();
                }
                return (updates.Count, updates.ToChatResponse(), false);
            }
            catch (OperationCanceledException) { return (updates.Count, null, true); }
        }
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => Run(i))));
        Assert.True(results[5].Cancelled);
        foreach (var (r, i) in results.Select((r, i) => (r, i)).Where(x => x.i != 5))
        {
            Assert.False(r.Cancelled, $"request {i} was cancelled");
            Assert.Equal(8, r.Response!.Usage!.OutputTokenCount);
            Assert.Equal(ChatFinishReason.Length, r.Response.FinishReason);
        }
        // Same seed, same prompt → same text, whatever the interleaving.
        var again = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "request 3")], options);
        Assert.Equal(results[3].Response!.Text, again.Text);
    }

    [Fact]
    public async Task On_the_real_engine_streaming_merges_into_the_non_streaming_response()
    {
        using var client = new Glm4vChatClient(Engine.Value);
        var options = new ChatOptions { MaxOutputTokens = 6, Seed = 7, Temperature = 0.9f, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } };
        var whole = await client.GetResponseAsync("hello there", options);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync("hello there", options)) updates.Add(u);
        var merged = updates.ToChatResponse();
        Assert.Equal(whole.Text, merged.Text);
        Assert.Equal(whole.Usage!.OutputTokenCount, merged.Usage!.OutputTokenCount);
        Assert.Equal(whole.Usage.InputTokenCount, merged.Usage.InputTokenCount);
        Assert.Single(merged.Messages);
    }
}
