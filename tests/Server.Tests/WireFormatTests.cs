using System.Net;
using System.Text.Json;
using Glm4vSK.Server.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.Tests;

/// <summary>The raw wire format as vLLM serves it: SSE chunk order and shapes, the non-streaming object, models, health and metrics.</summary>
public sealed class WireFormatTests
{
    static ScriptedChatClient Scripted() => new(
        new TextReasoningContent("Let me think."),
        new TextContent("It is "),
        new FunctionCallContent("call_1", "lookup", new Dictionary<string, object?> { ["q"] = "x" }));

    [Fact]
    public async Task Stream_sends_role_first_then_reasoning_content_tool_call_finish_usage_and_done()
    {
        await using var server = await TestServer.StartAsync(Scripted());
        using var http = server.Http();
        var response = await http.PostAsync("/v1/chat/completions", Sse.Json(
            """{"model":"test-model","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"q?"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var data = await Sse.DataAsync(response);

        Assert.Equal("[DONE]", data[^1]);
        var chunks = data[..^1].Select(d => JsonDocument.Parse(d).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        JsonElement Delta(JsonElement c) => c.GetProperty("choices")[0].GetProperty("delta");

        Assert.Equal("assistant", Delta(chunks[0]).GetProperty("role").GetString());
        Assert.Equal("Let me think.", Delta(chunks[1]).GetProperty("reasoning_content").GetString());
        Assert.Equal("It is ", Delta(chunks[2]).GetProperty("content").GetString());
        var head = Delta(chunks[3]).GetProperty("tool_calls")[0];
        Assert.Equal((0, "call_1", "function", "lookup"), (head.GetProperty("index").GetInt32(), head.GetProperty("id").GetString(),
            head.GetProperty("type").GetString(), head.GetProperty("function").GetProperty("name").GetString()));
        var args = Delta(chunks[4]).GetProperty("tool_calls")[0];
        Assert.Equal(0, args.GetProperty("index").GetInt32());
        Assert.Equal("""{"q":"x"}""", args.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", chunks[5].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = chunks[6];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(16, usage.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(7, chunks.Count);
    }

    [Fact]
    public async Task Without_include_usage_no_usage_chunk_is_sent()
    {
        await using var server = await TestServer.StartAsync(new ScriptedChatClient(new TextContent("a")));
        using var http = server.Http();
        var data = await Sse.DataAsync(await http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"test-model","stream":true,"messages":[{"role":"user","content":"q?"}]}""")));
        Assert.DoesNotContain(data, d => d.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.Equal("[DONE]", data[^1]);
    }

    [Fact]
    public async Task Non_streaming_object_has_message_reasoning_tool_calls_and_usage()
    {
        await using var server = await TestServer.StartAsync(Scripted());
        using var http = server.Http();
        var response = await http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"test-model","messages":[{"role":"user","content":"q?"}]}"""));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        var choice = root.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        Assert.Equal("It is ", message.GetProperty("content").GetString());
        Assert.Equal("Let me think.", message.GetProperty("reasoning_content").GetString());
        Assert.Equal("lookup", message.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(11, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Vllm_extras_map_to_the_clients_option_keys()
    {
        var scripted = new ScriptedChatClient(new TextContent("ok"));
        await using var server = await TestServer.StartAsync(scripted, new Glm4vServerOptions { ServedModelNames = ["test-model"], MaxTokensCap = 100, MaxPixels = 50_000 });
        using var http = server.Http();
        var response = await http.PostAsync("/v1/chat/completions", Sse.Json("""
            {"model":"test-model","messages":[{"role":"user","content":"q?"}],"max_completion_tokens":5000,"top_k":7,"repetition_penalty":1.1,"frequency_penalty":0.5,"presence_penalty":-1,"min_p":0.05,
             "ignore_eos":true,"skip_special_tokens":false,"chat_template_kwargs":{"enable_thinking":false},
             "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"}}},"seed":3}
            """));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var o = scripted.Requests.Single().Options!;
        Assert.Equal(100, o.MaxOutputTokens); // lowered to the cap
        Assert.Equal(7, o.TopK);
        Assert.Equal(1.1f, (float)o.AdditionalProperties!["repetition_penalty"]!, 5);
        Assert.Equal((0.5f, -1f), (o.FrequencyPenalty, o.PresencePenalty));
        Assert.Equal(0.05f, (float)o.AdditionalProperties["min_p"]!, 5);
        Assert.Equal(false, o.AdditionalProperties["enable_thinking"]);
        Assert.Equal(50_000L, o.AdditionalProperties["max_pixels"]);
        Assert.True(Assert.IsType<Glm4vSK.LocalEngine.SamplingOptions>(o.RawRepresentationFactory!(null!)).IgnoreEos);
        var format = Assert.IsType<ChatResponseFormatJson>(o.ResponseFormat);
        Assert.Equal("answer", format.SchemaName);
        Assert.Equal(3, o.Seed);
    }

    [Fact]
    public async Task Models_health_and_metrics_answer()
    {
        await using var server = await TestServer.StartAsync(new ScriptedChatClient(new TextContent("a")), new Glm4vServerOptions { ServedModelNames = ["first", "second"] });
        using var http = server.Http();
        using (var models = JsonDocument.Parse(await http.GetStringAsync("/v1/models")))
            Assert.Equal(["first", "second"], models.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/chat/completions", Sse.Json("""{"model":"second","messages":[{"role":"user","content":"q"}]}"""))).StatusCode);
        string metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("glm4v_server_requests", metrics);
        Assert.Contains("glm4v_server_completion_tokens", metrics);
        Assert.Contains("glm4v_server_time_to_first_token", metrics);
    }
}
