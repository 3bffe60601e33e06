using System.Text.Json.Nodes;
using Glm4vSK.Connector.Grounding;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// Model or server text nested deeper than <see cref="NestingLimit.MaxDepth"/> is malformed: it neither overflows the
/// stack (which would kill the host) nor escapes as a raw <c>System.Text.Json</c> exception. The crash-prone cases run
/// in a child process, so that a regression fails one test instead of the whole run.
/// </summary>
public sealed class NestingDepthTests
{
    const int Deep = 20_000;

    static string Nested(int depth, string inner = "1") => new string('[', depth) + inner + new string(']', depth);

    static string DeepBox => GlmTags.BeginOfBox + Nested(Deep) + GlmTags.EndOfBox;

    static string DeepCall(int depth) => $"<tool_call>get_weather\n<arg_key>days</arg_key>\n<arg_value>{Nested(depth)}</arg_value>\n</tool_call>";

    static readonly AIFunction Weather = AIFunctionFactory.Create((string city, int days) => $"{city}: sunny for {days} days", "get_weather", "Weather forecast");

    static void AssertSurvived(ChildProcessProbe.Outcome outcome, string expected)
    {
        Assert.False(outcome.Crashed, outcome.ToString());
        Assert.Null(outcome.ExceptionType);
        Assert.Equal(expected, outcome.Result);
    }

    // ---- the limit itself

    [Fact]
    public void Python_literals_and_json_parse_up_to_the_limit_and_not_beyond()
    {
        int max = NestingLimit.MaxDepth;
        Assert.True(PythonLiteral.TryParse(Nested(max), out _));
        Assert.False(PythonLiteral.TryParse(Nested(max + 1), out _, out bool tooDeep));
        Assert.True(tooDeep);
        Assert.True(PythonLiteral.TryParse("{'a': " + Nested(max - 1) + "}", out _));
        Assert.False(PythonLiteral.TryParse("{'a': " + Nested(max) + "}", out _));
        Assert.False(PythonLiteral.TryParse(new string('(', max + 1) + "1" + new string(')', max + 1), out _));
        Assert.True(ToolArgumentValues.TryParseJson(Nested(max), out _));
        Assert.False(ToolArgumentValues.TryParseJson(Nested(max + 1), out _));
    }

    // ---- grounding

    static string GroundingProbe()
    {
        var g = GroundingParser.Parse(DeepBox + " and " + GlmTags.BeginOfBox + "[1, 2, 3, 4]" + GlmTags.EndOfBox, 100, 100);
        return $"{g.Boxes.Count} {g.Points.Count}";
    }

    [Fact]
    public void A_deeply_nested_grounding_box_is_ignored_and_the_others_are_kept() => AssertSurvived(ChildProcessProbe.Run(GroundingProbe), "1 0");

    static string AnnotationProbe()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, DeepBox));
        var g = GroundingAnnotation.Annotate(response, 100, 100);
        return $"{g.Boxes.Count} {g.Points.Count} {response.Messages[0].Contents[0].Annotations?.Count ?? 0}";
    }

    [Fact]
    public void Annotating_a_deeply_nested_grounding_box_neither_crashes_nor_annotates() => AssertSurvived(ChildProcessProbe.Run(AnnotationProbe), "0 0 0");

    [Fact]
    public void A_grounding_box_just_over_the_limit_falls_back_to_its_numbers_like_any_malformed_box()
    {
        var g = GroundingParser.Parse(GlmTags.BeginOfBox + Nested(NestingLimit.MaxDepth + 1, "10, 20, 30, 40") + GlmTags.EndOfBox, 1000, 1000);
        Assert.Equal(new GroundingRect(10, 20, 30, 40), Assert.Single(g.Boxes).Normalized);
    }

    // ---- tool-call argument typing

    static string ArgumentTypingProbe()
    {
        object? typed = ToolArgumentValues.Type(Nested(Deep), isStringParameter: false);
        var parsed = Glm45ToolCallParser.Parse("Sure." + DeepCall(Deep));
        return $"{typed?.GetType().Name} {parsed.ToolCalls.Count} {parsed.Content == "Sure." + DeepCall(Deep)}";
    }

    [Fact]
    public void A_deeply_nested_argument_value_is_text_and_its_call_stays_text() => AssertSurvived(ChildProcessProbe.Run(ArgumentTypingProbe), "String 0 True");

    [Theory]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(10_000)]
    public void A_call_with_an_argument_nested_too_deep_is_text_at_any_chunking(int depth)
    {
        string text = "Sure." + DeepCall(depth) + " Done.";
        var options = new GlmParserOptions { ThinkingEnabled = false };
        var whole = MergedOutput.Parse(options, [text]);
        Assert.Empty(whole.CompletedCalls);
        Assert.Equal(text, whole.Content);
        var random = new Random(depth);
        StreamingEquivalence.AssertEquivalent(text, options, [Chunking.Random(text, random), Chunking.Random(text, random)], $"depth {depth}");
    }

    [Fact]
    public void Json_too_deep_for_the_limit_is_malformed_even_where_it_is_no_python_literal_either()
    {
        // JSON names (true) stop the literal parser before it gets deep: the JSON depth alone must make the call text.
        string text = DeepCall(1).Replace("[1]", "[true, " + Nested(NestingLimit.MaxDepth) + "]", StringComparison.Ordinal);
        Assert.Empty(Glm45ToolCallParser.Parse(text).ToolCalls);
        Assert.Single(Glm45ToolCallParser.Parse(text.Replace("true, ", "", StringComparison.Ordinal).Replace("[[", "[", StringComparison.Ordinal)).ToolCalls);
    }

    [Fact]
    public void Json_and_literal_values_at_the_limit_are_still_typed()
    {
        var parsed = Glm45ToolCallParser.Parse(DeepCall(NestingLimit.MaxDepth));
        var call = Assert.Single(parsed.ToolCalls);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, ((System.Text.Json.JsonElement)call.Arguments["days"]!).ValueKind);
        var literal = Glm45ToolCallParser.Parse(DeepCall(NestingLimit.MaxDepth).Replace("1]", "True]", StringComparison.Ordinal));
        Assert.Single(literal.ToolCalls);
    }

    // ---- through the clients (in a probe, test code must stay on the probe's thread: all calls are synchronous)

    static string Describe(ChatResponse r) =>
        $"calls={r.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count()} text={r.Text.Contains("<arg_value>[[[", StringComparison.Ordinal)} finish={r.FinishReason}";

    static readonly ChatOptions ToolsWithoutThinking = new() { Tools = [Weather], Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } };

    static string LocalClient(int depth)
    {
        string script = DeepCall(depth) + "<|observation|>";
        var backend = new ScriptedBackend(ScriptedBackend.ModelDir(glm45v: true), script, script) { YieldBetweenTokens = false };
        using var client = new Glm4vChatClient(backend);
        List<ChatMessage> ask = [new ChatMessage(ChatRole.User, "x")];
        var whole = client.GetResponseAsync(ask, ToolsWithoutThinking).GetAwaiter().GetResult();
        var streamed = client.GetStreamingResponseAsync(ask, ToolsWithoutThinking).ToChatResponseAsync().GetAwaiter().GetResult();
        return Describe(whole) + " | " + Describe(streamed);
    }

    static string LocalClientDeepProbe() => LocalClient(Deep);

    [Fact]
    public void The_local_client_returns_a_deeply_nested_tool_call_as_text_streaming_and_not() =>
        AssertSurvived(ChildProcessProbe.Run(LocalClientDeepProbe), "calls=0 text=True finish=stop | calls=0 text=True finish=stop");

    [Theory]
    [InlineData(65)]
    [InlineData(1_000)]
    public void A_tool_call_nested_beyond_json_s_default_depth_does_not_throw_from_the_local_client(int depth) =>
        // 65–10,000 levels used to escape as System.Text.Json's JsonReaderException from GetResponseAsync.
        Assert.Equal("calls=0 text=True finish=stop | calls=0 text=True finish=stop", LocalClient(depth));

    // The fake server runs in this process (test code on the child's other threads would deadlock the probe); the
    // child finds it through this variable.
    const string RemoteServerVariable = "GLM4V_TEST_NESTING_SERVER";

    static string RemoteRawMarkupProbe()
    {
        var uri = new Uri(Environment.GetEnvironmentVariable(RemoteServerVariable)!);
        using var client = new Glm4vRemoteChatClient(uri, "sk-test", VllmWire.Model);
        var response = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "x")], ToolsWithoutThinking).ToChatResponseAsync().GetAwaiter().GetResult();
        return Describe(response);
    }

    [Fact]
    public async Task The_remote_client_survives_a_60_kb_raw_tool_call_nested_too_deep()
    {
        string content = "<tool_call>get_weather\n<arg_key>days</arg_key>\n<arg_value>" + Nested(30_000) + "</arg_value>\n</tool_call>";
        await using var server = new FakeChatServer(new SseReply([
            VllmWire.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }),
            VllmWire.Chunk(new JsonObject { ["content"] = content }),
            VllmWire.Chunk(new JsonObject(), "stop"),
            VllmWire.Done,
        ]));
        Environment.SetEnvironmentVariable(RemoteServerVariable, server.BaseUri.ToString());
        try
        {
            AssertSurvived(ChildProcessProbe.Run(RemoteRawMarkupProbe), "calls=0 text=True finish=stop");
        }
        finally
        {
            Environment.SetEnvironmentVariable(RemoteServerVariable, null);
        }
    }
}
