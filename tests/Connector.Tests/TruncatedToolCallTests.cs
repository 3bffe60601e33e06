using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// A tool call cut off before <c>&lt;/tool_call&gt;</c> (the token limit, a server's <c>finish_reason: "length"</c>) is
/// text, never a call: its arguments may be truncated. vLLM's glm45 parser does the same (without a complete
/// <c>&lt;tool_call&gt;…&lt;/tool_call&gt;</c> match the output is content). A complete call stays a call even when the
/// limit is hit right after it. Checked at every cut point, streaming and not, locally and over a raw-markup server.
/// </summary>
public sealed class TruncatedToolCallTests
{
    const string Call = "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n<arg_key>days</arg_key>\n<arg_value>[1, 2]</arg_value>\n</tool_call>";
    const string Output = "Let me check." + Call + "\n";

    static readonly IReadOnlyDictionary<string, JsonElement> Schemas = new Dictionary<string, JsonElement>
    {
        ["get_weather"] = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"array"}}}""").RootElement,
    };

    static readonly GlmParserOptions NoThinking = new() { ThinkingEnabled = false, ToolSchemas = Schemas };

    static bool HasCompleteCall(string text) => text.Contains(GlmTags.ToolCallEnd, StringComparison.Ordinal);

    [Fact]
    public void The_parser_gives_a_cut_off_call_back_as_its_text_at_every_cut_and_chunking()
    {
        var random = new Random(7);
        for (int n = 0; n <= Output.Length; n++)
        {
            string prefix = Output[..n];
            var whole = MergedOutput.Parse(NoThinking, [prefix]);
            if (HasCompleteCall(prefix))
            {
                Assert.Equal("get_weather", Assert.Single(whole.CompletedCalls).Name);
                Assert.Equal("Let me check." + prefix[(("Let me check." + Call).Length)..], whole.Content);
            }
            else
            {
                Assert.Empty(whole.CompletedCalls);
                Assert.Equal(prefix.Length == 0 ? null : prefix, whole.Content);
            }
            var nonStreaming = Glm45ToolCallParser.Parse(prefix, Schemas);
            Assert.Equal(HasCompleteCall(prefix) ? 1 : 0, nonStreaming.ToolCalls.Count);
            StreamingEquivalence.AssertEquivalent(prefix, NoThinking,
                [Chunking.CharByChar(prefix), Chunking.Random(prefix, random), Chunking.Random(prefix, random)], $"cut at {n}");
        }
    }

    [Fact]
    public void A_streamed_call_completes_only_with_the_push_that_closes_it()
    {
        var parser = new GlmStreamingParser(NoThinking);
        int closedAt = Output.IndexOf(GlmTags.ToolCallEnd, StringComparison.Ordinal) + GlmTags.ToolCallEnd.Length;
        for (int i = 0; i < Output.Length; i++)
        {
            bool completes = parser.Push(Output[i].ToString()).OfType<ToolCallCompleted>().Any();
            Assert.True(completes == (i + 1 == closedAt), $"a call completed at character {i} (closes at {closedAt})");
        }
        Assert.Empty(parser.Complete().OfType<ToolCallCompleted>());
    }

    // ---- the local client, cut by MaxOutputTokens after every token

    static readonly AIFunction Weather = AIFunctionFactory.Create((string city, int[] days) => $"{city}: sunny", "get_weather", "Weather forecast");

    static ChatOptions Options(int maxTokens, params AITool[] tools) => new()
    {
        Tools = tools.Length == 0 ? [Weather] : [.. tools],
        MaxOutputTokens = maxTokens,
        Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None },
    };

    static void AssertTurn(ChatResponse response, string generated, bool limitHit, string context)
    {
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        if (HasCompleteCall(generated))
        {
            var call = Assert.Single(calls);
            Assert.Equal("Paris", call.Arguments!["city"]);
            Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
            return;
        }
        Assert.True(calls.Count == 0, $"{context}: a call was emitted from {JsonSerializer.Serialize(generated)}");
        Assert.Equal(generated, response.Text);
        Assert.Equal(limitHit ? ChatFinishReason.Length : ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task The_local_client_returns_a_call_cut_by_the_token_limit_as_text_with_finish_reason_length()
    {
        string script = Output + "<|observation|>";
        string dir = ScriptedBackend.ModelDir(glm45v: true);
        var probe = new ScriptedBackend(dir);
        var tokens = probe.Processor.Tokenizer.Encode(script);
        int observation = probe.Processor.Tokenizer.TokenId("<|observation|>");
        Assert.Equal(observation, tokens[^1]);
        var backend = new ScriptedBackend(dir, Enumerable.Repeat(script, 2 * tokens.Count).ToArray());
        using var client = new Glm4vChatClient(backend);
        for (int n = 1; n <= tokens.Count; n++)
        {
            string generated = probe.Processor.Tokenizer.Decode(tokens.Take(Math.Min(n, tokens.Count - 1)));
            bool limitHit = n < tokens.Count;
            var whole = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], Options(n));
            AssertTurn(whole, generated, limitHit, $"{n} tokens");
            var updates = new List<ChatResponseUpdate>();
            await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "x")], Options(n))) updates.Add(u);
            AssertTurn(updates.ToChatResponse(), generated, limitHit, $"{n} tokens, streamed");
        }
    }

    [Fact]
    public async Task Function_invocation_never_runs_a_call_cut_by_the_token_limit()
    {
        var invoked = new List<string>();
        var weather = AIFunctionFactory.Create((string city, int[] days) => { lock (invoked) invoked.Add(city); return $"{city}: sunny"; }, "get_weather", "Weather forecast");
        string script = Output + "<|observation|>";
        string dir = ScriptedBackend.ModelDir(glm45v: true);
        var probe = new ScriptedBackend(dir);
        int cut = probe.Processor.Tokenizer.Encode(script[..script.IndexOf("[1, 2]", StringComparison.Ordinal)]).Count;
        var backend = new ScriptedBackend(dir, script, script, script, "It is sunny.<|endoftext|>");
        using var client = new ChatClientBuilder(new Glm4vChatClient(backend)).UseFunctionInvocation().Build();

        var truncated = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], Options(cut, weather));
        Assert.Empty(invoked);
        Assert.Contains("<arg_value>Paris</arg_value>", truncated.Text);
        Assert.Equal(ChatFinishReason.Length, truncated.FinishReason);
        Assert.Empty(truncated.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());

        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "x")], Options(cut, weather))) updates.Add(u);
        Assert.Empty(invoked);
        Assert.Equal(ChatFinishReason.Length, updates.ToChatResponse().FinishReason);

        // The same output with room for the whole call: it is run, once.
        var complete = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], Options(1000, weather));
        Assert.Equal(["Paris"], invoked);
        Assert.Equal("It is sunny.", complete.Messages[^1].Text);
    }

    // ---- the remote client, a server without the glm45 parsers sending raw markup that a length limit cut

    [Fact]
    public async Task The_remote_client_returns_raw_markup_cut_by_the_length_limit_as_text_streaming_and_not()
    {
        var cuts = Enumerable.Range(1, Output.Length).Where(n => n % 3 == 0 || n == Output.Length).ToList();
        await using var server = new FakeChatServer((_, i) =>
        {
            string prefix = Output[..cuts[i / 2]];
            string finish = HasCompleteCall(prefix) ? "stop" : "length";
            return i % 2 == 0
                ? new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = prefix }, finish))
                : new SseReply([.. prefix.Chunk(4).Select(c => VllmWire.Chunk(new JsonObject { ["content"] = new string(c) })), VllmWire.Chunk(new JsonObject(), finish), VllmWire.Done]);
        }, maxRequests: 2 * cuts.Count, lifetime: TimeSpan.FromMinutes(5));
        using var client = new Glm4vRemoteChatClient(server.BaseUri, "sk-test", VllmWire.Model);
        foreach (int n in cuts)
        {
            string prefix = Output[..n];
            var whole = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "x")], Options(1000));
            AssertTurn(whole, prefix, limitHit: true, $"cut at {n}");
            var updates = new List<ChatResponseUpdate>();
            await foreach (var u in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "x")], Options(1000))) updates.Add(u);
            AssertTurn(updates.ToChatResponse(), prefix, limitHit: true, $"cut at {n}, streamed");
        }
    }
}
