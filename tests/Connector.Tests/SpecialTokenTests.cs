using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// Special tokens that are not text (<c>&lt;|image|&gt;</c>, <c>[gMASK]</c>, …) never reach the answer, as with
/// <c>skip_special_tokens</c>, while the markup the parsers read (think, answer, tool-call tags) still works and the
/// grounding markers stay in the text. The same for the local and the remote client, however the text is cut.
/// </summary>
public sealed class SpecialTokenTests
{
    const string Noisy =
        "<think>Look<|image|> here</think>\n[gMASK]<sop>A <|begin_of_box|>[1,2,3,4]<|end_of_box|><|begin_of_image|>cat<|end_of_image|>" +
        "<|assistant|><|system|><|begin_of_video|><|video|><|end_of_video|>.";
    const string Clean = "\nA <|begin_of_box|>[1,2,3,4]<|end_of_box|>cat.";

    [Fact]
    public void Non_text_special_tokens_are_removed_and_the_box_markers_stay_however_the_text_is_cut()
    {
        var options = new GlmParserOptions();
        foreach (var cut in new[] { new[] { Noisy }, Chunking.CharByChar(Noisy).ToArray() })
        {
            var merged = MergedOutput.Parse(options, cut);
            Assert.Equal("Look here", merged.Reasoning);
            Assert.Equal(Clean, merged.Content);
        }
        StreamingEquivalence.AssertEquivalent(Noisy, options, [Chunking.CharByChar(Noisy), Chunking.Random(Noisy, new Random(7))], "noisy");
    }

    [Fact]
    public void The_non_streaming_parsers_remove_them_too()
    {
        var split = ReasoningParser.Parse(Noisy, new GlmParserOptions());
        Assert.Equal("Look here", split.Reasoning);
        Assert.Equal(Clean, split.Content);
        Assert.Equal("Hi.", Glm45ToolCallParser.Parse("Hi<|image|>.", null).TextOutsideCalls);
    }

    [Fact]
    public void A_token_split_across_pushes_is_removed_and_a_lookalike_is_released()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions { ThinkingEnabled = false });
        var events = new List<GlmOutputEvent>();
        events.AddRange(parser.Push("Hi <|begin_of"));
        events.AddRange(parser.Push("_image|> there <|begin_of_"));
        events.AddRange(parser.Push("imagination|>"));
        events.AddRange(parser.Complete());
        Assert.Equal("Hi  there <|begin_of_imagination|>", MergedOutput.From(events).Content);
    }

    [Fact]
    public void Text_that_closes_up_around_a_removed_token_is_read_again()
    {
        Assert.Equal("done", GlmTags.StripSpecialTokens("done<|endoftext<|end_of_image|>|>more"));
        Assert.Equal("ab", GlmTags.StripSpecialTokens("a<|ima<|im<|image|>age|>ge|>b"));
        Assert.Equal("<|ima<|imx", GlmTags.StripSpecialTokens("<|ima<|imx"));
        const string text = "<answer>done<|endoftext<|end_of_image|>|>";
        var options = new GlmParserOptions { ThinkingEnabled = false };
        StreamingEquivalence.AssertEquivalent(text, options, [Chunking.CharByChar(text), [text[..14], text[14..]]], "joined");
        Assert.Equal("<answer>done", MergedOutput.Parse(options, Chunking.CharByChar(text)).Content);
    }

    [Fact]
    public void A_long_run_of_possible_token_starts_is_held_and_then_released_whole()
    {
        string run = string.Concat(Enumerable.Repeat("<|ima[g<", 20_000));
        var parser = new GlmStreamingParser(new GlmParserOptions { ThinkingEnabled = false });
        var events = new List<GlmOutputEvent>();
        foreach (char c in run) events.AddRange(parser.Push(c.ToString()));
        Assert.Empty(events); // every segment could still complete once the ones after it are taken off
        events.AddRange(parser.Push("|image|>MASK]ge|>x"));
        events.AddRange(parser.Complete());
        Assert.Equal(run[..^8] + "x", MergedOutput.From(events).Content);
    }

    [Fact]
    public void Stripping_matches_repeated_removal_on_random_texts()
    {
        string[] pieces = ["<", "[", "<|", "<|ima", "ge|>", "image|>", "<|image|>", "[gMASK]", "[gMA", "SK]", "<so", "p>", "<|user", "|>", "a", " ", "<think>"];
        var random = new Random(11);
        for (int n = 0; n < 3000; n++)
        {
            string text = string.Concat(Enumerable.Range(0, random.Next(0, 14)).Select(_ => pieces[random.Next(pieces.Length)]));
            Assert.True(Reference(text) == GlmTags.StripSpecialTokens(text), $"{text}: {Reference(text)} vs {GlmTags.StripSpecialTokens(text)}");
        }

        // Cut the text before the first stop token, then take out non-text tokens until none is left, closing up the text each time.
        static string Reference(string text)
        {
            var stack = new System.Text.StringBuilder();
            foreach (char c in text)
            {
                stack.Append(c);
                string s = stack.ToString();
                if (GlmTags.StopTokens.FirstOrDefault(t => s.EndsWith(t, StringComparison.Ordinal)) is { } stop) return s[..^stop.Length];
                if (GlmTags.NonTextTokens.FirstOrDefault(t => s.EndsWith(t, StringComparison.Ordinal)) is { } token) stack.Length -= token.Length;
            }
            return stack.ToString();
        }
    }

    [Fact]
    public void Markup_the_parsers_need_still_works_with_special_tokens_around_it()
    {
        const string text = "<answer><|image|>Sure<tool_call>f\n<arg_key>s</arg_key><arg_value>a<|image|>b</arg_value></tool_call></answer><|image|>";
        var merged = MergedOutput.Parse(new GlmParserOptions { ThinkingEnabled = false, ExtractAnswer = true }, Chunking.CharByChar(text));
        Assert.Equal("Sure", merged.Content);
        var call = Assert.Single(merged.CompletedCalls);
        Assert.Equal("f", call.Name);
        Assert.Equal("ab", call.Completed!.Arguments["s"]?.ToString());
    }

    [Fact]
    public async Task The_local_client_leaves_them_out_of_the_text()
    {
        var dir = ScriptedBackend.ModelDir(glm45v: true);
        using var client = new Glm4vChatClient(new ScriptedBackend(dir, "<think>Look<|image|> here</think>" + Clean[..^1] + "<|begin_of_image|>.<|endoftext|>"));
        var r = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);
        Assert.Equal(Clean, r.Text);
        Assert.Equal("Look here", string.Concat(r.Messages[0].Contents.OfType<TextReasoningContent>().Select(c => c.Text)));
    }

    [Fact]
    public async Task The_remote_client_leaves_them_out_of_the_text_whole_and_streamed()
    {
        await using var whole = new FakeChatServer(new BodyReply(200, VllmWire.Completion(new JsonObject { ["content"] = Noisy }, "stop")));
        using var w = new Glm4vRemoteChatClient(whole.BaseUri, "sk-test", VllmWire.Model);
        Assert.Equal(Clean, (await w.GetResponseAsync([new ChatMessage(ChatRole.User, "q")])).Text);

        var chunks = new List<string> { VllmWire.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }) };
        for (int i = 0; i < Noisy.Length; i += 3)
            chunks.Add(VllmWire.Chunk(new JsonObject { ["content"] = Noisy.Substring(i, Math.Min(3, Noisy.Length - i)) }));
        chunks.Add(VllmWire.Chunk(new JsonObject { ["content"] = "" }, "stop"));
        chunks.Add(VllmWire.UsageChunk());
        chunks.Add(VllmWire.Done);
        await using var streamed = new FakeChatServer(new SseReply(chunks));
        using var s = new Glm4vRemoteChatClient(streamed.BaseUri, "sk-test", VllmWire.Model);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in s.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "q")])) updates.Add(u);
        Assert.Equal(Clean, updates.ToChatResponse().Text);
    }
}
