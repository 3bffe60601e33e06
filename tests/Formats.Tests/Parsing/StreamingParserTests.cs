using System.Text.Json;
using Glm4vSK.Formats;

namespace Glm4vSK.Formats.Tests.Parsing;

public sealed class StreamingParserTests
{
    static readonly IReadOnlyDictionary<string, JsonElement> WeatherSchema = new Dictionary<string, JsonElement>
    {
        ["get_weather"] = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}}}""").RootElement.Clone(),
        ["send_message"] = JsonDocument.Parse("""{"type":"object","properties":{"message":{"type":"string"}}}""").RootElement.Clone(),
    };

    static string Text(IEnumerable<GlmOutputEvent> events, Func<GlmOutputEvent, string?> pick) => string.Concat(events.Select(pick));

    [Fact]
    public void String_values_stream_as_they_arrive()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions { ThinkingEnabled = false, ToolSchemas = WeatherSchema });
        Assert.Empty(parser.Push("<tool_call>"));
        var started = parser.Push("get_weather\n");
        Assert.Equal([new ToolCallStarted(0, "get_weather")], started);
        Assert.Empty(parser.Push("<arg_key>city</arg_key>"));
        Assert.Equal([new ToolCallArgumentsDelta(0, "{\"city\": \"")], parser.Push("<arg_value>"));
        Assert.Equal([new ToolCallArgumentsDelta(0, "Bei")], parser.Push("Bei"));
        Assert.Equal([new ToolCallArgumentsDelta(0, "jing")], parser.Push("jing</arg_"));
        Assert.Equal([new ToolCallArgumentsDelta(0, "\"")], parser.Push("value>"));
        var end = parser.Push("</tool_call>");
        Assert.Equal(new ToolCallArgumentsDelta(0, "}"), end[0]);
        var done = Assert.IsType<ToolCallCompleted>(end[1]);
        Assert.Equal("Beijing", done.Arguments["city"]);
        Assert.Equal("<tool_call>get_weather\n<arg_key>city</arg_key><arg_value>Beijing</arg_value></tool_call>", done.RawText);
        Assert.Empty(parser.Complete());
    }

    [Fact]
    public void Non_string_values_appear_when_complete()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions { ThinkingEnabled = false, ToolSchemas = WeatherSchema });
        parser.Push("<tool_call>get_weather\n<arg_key>days</arg_key><arg_value>1");
        Assert.Empty(parser.Push("2"));
        Assert.Equal([new ToolCallArgumentsDelta(0, "{\"days\": 12")], parser.Push("</arg_value>"));
    }

    [Fact]
    public void Quotes_and_newlines_are_json_escaped()
    {
        // specs/formats.md T14
        var merged = MergedOutput.Parse(new GlmParserOptions { ThinkingEnabled = false, ToolSchemas = WeatherSchema },
            ["<tool_call>send_message\n", "<arg_key>message</arg_key>", "<arg_value>Hello \"world\"\nNew line</arg_value>", "</tool_call>"]);
        var call = Assert.Single(merged.CompletedCalls);
        Assert.Equal("{\"message\": \"Hello \\\"world\\\"\\nNew line\"}", call.JoinedFragments);
        Assert.Equal("Hello \"world\"\nNew line", JsonDocument.Parse(call.JoinedFragments).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void Several_tags_in_one_chunk()
    {
        // specs/formats.md T13 (no schema: the value is typed when complete, so the JSON stays valid)
        var merged = MergedOutput.Parse(new GlmParserOptions { ThinkingEnabled = false },
            ["<tool_call>get_weather\n<arg_key>city</arg_key><arg_value>Bei", "jing</arg_value>", "</tool_call>"]);
        Assert.Equal("{\"city\": \"Beijing\"}", Assert.Single(merged.CompletedCalls).JoinedFragments);
    }

    [Fact]
    public void Content_before_a_call_is_released_and_a_possible_tag_start_held()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions { ThinkingEnabled = false });
        Assert.Equal([new ContentDelta("I will help you get the weather.")], parser.Push("I will help you get the weather.<tool_"));
        Assert.Equal([new ContentDelta("<tool_x")], parser.Push("x"));
        Assert.Empty(parser.Push("<tool_call>"));
        // specs/formats.md T12: vLLM never flushes the held-back tag; Complete returns an unterminated call as content.
        Assert.Equal([new ContentDelta("<tool_call>")], parser.Complete());
    }

    [Fact]
    public void An_unterminated_call_is_started_but_never_completed_and_its_text_is_content()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions { ThinkingEnabled = false, ToolSchemas = WeatherSchema });
        var events = new List<GlmOutputEvent>();
        events.AddRange(parser.Push("<tool_call>get_weather\n<arg_key>city</arg_key><arg_value>Bei"));
        Assert.Contains(new ToolCallStarted(0, "get_weather"), events);
        var end = parser.Complete();
        Assert.Equal([new ContentDelta("<tool_call>get_weather\n<arg_key>city</arg_key><arg_value>Bei")], end);
        Assert.DoesNotContain(events.Concat(end), e => e is ToolCallCompleted);
    }

    [Fact]
    public void Text_between_and_after_calls_is_content_and_indices_count_up()
    {
        string call = "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>X</arg_value>\n</tool_call>";
        var merged = MergedOutput.Parse(new GlmParserOptions { ThinkingEnabled = false }, Chunking.CharByChar("A" + call + "\n\nB" + call + "C"));
        Assert.Equal("A\n\nBC", merged.Content);
        Assert.Equal([0, 1], merged.CompletedCalls.Select(c => c.Index));
    }

    [Theory]
    [InlineData("<|user|>")]
    [InlineData("<|observation|>")]
    [InlineData("<|endoftext|>")]
    public void Stop_tokens_at_the_end_are_not_content(string stop)
    {
        string call = "<tool_call>f\n</tool_call>";
        var merged = MergedOutput.Parse(new GlmParserOptions(), Chunking.CharByChar("<think>r</think>\nAnswer." + call + stop + "more"));
        Assert.Equal("r", merged.Reasoning);
        Assert.Equal("\nAnswer.", merged.Content);
        Assert.Single(merged.CompletedCalls);
        // A prefix of a stop token that turns out to be something else is released.
        Assert.Equal("a <|begin_of_box|>[1,2,3,4]<|end_of_box|>", MergedOutput.Parse(new GlmParserOptions { ThinkingEnabled = false }, Chunking.CharByChar("a <|begin_of_box|>[1,2,3,4]<|end_of_box|>")).Content);
    }

    [Fact]
    public void Reasoning_streams_while_the_closing_tag_is_held()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions());
        Assert.Empty(parser.Push("<thi"));
        Assert.Equal([new ReasoningDelta("Let me")], parser.Push("nk>Let me"));
        Assert.Equal([new ReasoningDelta(" look")], parser.Push(" look</th"));
        Assert.Equal([new ContentDelta("\nIt is a cat.")], parser.Push("ink>\nIt is a cat."));
        Assert.Empty(parser.Complete());
    }

    [Fact]
    public void Truncated_reasoning_is_all_reasoning_with_thinking_on_and_content_with_it_off()
    {
        var on = MergedOutput.Parse(new GlmParserOptions(), ["<think>Let me count</th"]);
        Assert.Equal("Let me count</th", on.Reasoning);
        Assert.Null(on.Content);

        var off = MergedOutput.Parse(new GlmParserOptions { ThinkingEnabled = false }, ["<think>Let me count"]);
        Assert.Null(off.Reasoning);
        Assert.Equal("<think>Let me count", off.Content);
    }

    [Fact]
    public void Empty_think_block_gives_empty_reasoning()
    {
        var merged = MergedOutput.Parse(new GlmParserOptions(), Chunking.CharByChar("<think></think>\nParis."));
        Assert.Equal("", merged.Reasoning);
        Assert.Equal("\nParis.", merged.Content);
    }

    [Fact]
    public void Prompt_ending_inside_think_streams_reasoning_from_the_start()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions { PromptEndsInsideThink = true });
        Assert.Equal([new ReasoningDelta("Hmm")], parser.Push("Hmm"));
        Assert.Equal([new ReasoningDelta("."), new ContentDelta("Done")], parser.Push(".</think>Done"));
    }

    [Fact]
    public void Thinking_off_streams_content_immediately()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions { ThinkingEnabled = false });
        Assert.Equal([new ContentDelta("The answer")], parser.Push("The answer"));
    }

    [Fact]
    public void Answer_tags_are_removed_for_glm41v()
    {
        var options = new GlmParserOptions { ExtractAnswer = true, ParseToolCalls = false };
        var parser = new GlmStreamingParser(options);
        var events = new List<GlmOutputEvent>();
        events.AddRange(parser.Push("<think>6*7</think>\n<answer>4"));
        Assert.Contains(new ContentDelta("4"), events);
        events.AddRange(parser.Push("2</answer>\nignored"));
        events.AddRange(parser.Complete());
        var merged = MergedOutput.From(events);
        Assert.Equal("6*7", merged.Reasoning);
        Assert.Equal("42", merged.Content);
    }

    [Fact]
    public void Tool_calls_inside_reasoning_are_reasoning()
    {
        var merged = MergedOutput.Parse(new GlmParserOptions(), ["<think>maybe <tool_call>f\n</tool_call></think><tool_call>g\n</tool_call>"]);
        Assert.Equal("maybe <tool_call>f\n</tool_call>", merged.Reasoning);
        Assert.Equal("g", Assert.Single(merged.CompletedCalls).Name);
    }

    [Fact]
    public void Push_after_complete_throws()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions());
        parser.Complete();
        Assert.Throws<InvalidOperationException>(() => parser.Push("x"));
        Assert.Throws<InvalidOperationException>(() => parser.Complete());
    }

    [Theory]
    [InlineData(true, false)]   // thinking on, no tags yet: the prelude is held
    [InlineData(false, false)]  // thinking off, a leading think block that has not closed yet
    [InlineData(false, true)]   // a value without schema, typed only when complete
    public void Long_held_back_text_stays_linear(bool thinking, bool toolValue)
    {
        var parser = new GlmStreamingParser(new GlmParserOptions { ThinkingEnabled = thinking });
        var events = new List<GlmOutputEvent>(parser.Push(toolValue ? "<tool_call>f\n<arg_key>code</arg_key><arg_value>" : thinking ? "Answer: " : "<think>"));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 50_000; i++) Assert.Empty(parser.Push("line of code;\n"));
        events.AddRange(parser.Push(toolValue ? "</arg_value></tool_call>" : "</think>done"));
        events.AddRange(parser.Complete());
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        var merged = MergedOutput.From(events);
        if (toolValue)
        {
            Assert.Equal(50_000 * 14 - 1, ((string)Assert.Single(merged.CompletedCalls).Completed!.Arguments["code"]!).Length); // stripped
        }
        else
        {
            Assert.Equal((thinking ? 8 : 0) + 50_000 * 14, merged.Reasoning!.Length);
            Assert.Equal("done", merged.Content);
        }
    }

    [Fact]
    public void Long_string_values_are_streamed_in_linear_time()
    {
        var parser = new GlmStreamingParser(new GlmParserOptions { ThinkingEnabled = false, ToolSchemas = WeatherSchema });
        parser.Push("<tool_call>send_message\n<arg_key>message</arg_key><arg_value>");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        int fragments = 0;
        for (int i = 0; i < 50_000; i++) fragments += parser.Push("line of code;\n").Count;
        parser.Push("</arg_value></tool_call>");
        Assert.Equal(50_000, fragments);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
    }
}
