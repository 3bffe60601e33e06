using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Glm4vSK.Server.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.Tests;

/// <summary>Raw HTTP edge cases: every refusal has its status and an OpenAI error object; nothing reaches the client.</summary>
public sealed class ErrorStatusTests
{
    const string Hello = """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""";

    static async Task<(HttpStatusCode Status, JsonElement Error, HttpResponseMessage Response)> PostAsync(TestServer server, string body, string? key = null)
    {
        using var http = server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Sse.Json(body) };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, Sse.Error(text), response);
    }

    static string User(string contentJson) => $$"""{"model":"test-model","messages":[{"role":"user","content":{{contentJson}}}]}""";

    static string ImagePart(string url) => User($$$"""[{"type":"text","text":"what?"},{"type":"image_url","image_url":{"url":"{{{url}}}"}}]""");

    [Theory]
    [InlineData("{\"model\":\"test-model\",\"messages\":[", "invalid_json", null)]
    [InlineData("[1,2]", "invalid_json", null)]
    [InlineData("""{"model":"test-model"}""", "invalid_value", "messages")]
    [InlineData("""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "invalid_value", "temperature")]
    [InlineData("""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"n":2}""", "invalid_value", "n")]
    [InlineData("""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"frequency_penalty":2.5}""", "invalid_value", "frequency_penalty")]
    [InlineData("""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"min_p":-0.1}""", "invalid_value", "min_p")]
    [InlineData("""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "invalid_value", "max_tokens")]
    [InlineData("""{"model":"test-model","messages":[{"role":"wizard","content":"hi"}]}""", "invalid_value", "messages[0].role")]
    [InlineData("""{"model":"test-model","messages":[{"role":"user","content":[{"type":"audio","x":1}]}]}""", "invalid_value", "messages[0].content[0].type")]
    [InlineData("""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"tool_choice":"sometimes"}""", "invalid_value", "tool_choice")]
    [InlineData("""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}}""", "invalid_value", "response_format.type")]
    public async Task Malformed_json_and_bad_fields_are_400_naming_the_field(string body, string code, string? param)
    {
        var scripted = new ScriptedChatClient(new TextContent("never"));
        await using var server = await TestServer.StartAsync(scripted);
        var (status, error, _) = await PostAsync(server, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        if (param is not null) Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Empty(scripted.Requests);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("../../secret.png")]
    [InlineData("ftp://example.com/a.png")]
    [InlineData("https://example.com/a.png")] // remote URLs are off by default
    public async Task File_urls_paths_and_disallowed_urls_are_400_and_never_read(string url)
    {
        var scripted = new ScriptedChatClient(new TextContent("never"));
        await using var server = await TestServer.StartAsync(scripted);
        var (status, error, _) = await PostAsync(server, ImagePart(url));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("url_not_allowed", error.GetProperty("code").GetString());
        Assert.Equal("messages[0].content[1].image_url.url", error.GetProperty("param").GetString());
        Assert.Empty(scripted.Requests);
    }

    [Fact]
    public async Task A_broken_data_url_is_400()
    {
        var scripted = new ScriptedChatClient(new TextContent("never"));
        await using var server = await TestServer.StartAsync(scripted);
        var (status, error, _) = await PostAsync(server, ImagePart("data:image/png;base64,@@not-base64@@"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_image", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_corrupt_image_is_400_from_the_engine()
    {
        await using var server = await TestServer.StartAsync(TinyModel.Client());
        byte[] garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        var (status, error, _) = await PostAsync(server, ImagePart("data:image/png;base64," + Convert.ToBase64String(garbage)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_image", error.GetProperty("code").GetString());
        Assert.StartsWith("messages[0]", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_prompt_over_the_context_is_400_naming_the_limit()
    {
        var engine = TinyModel.Engine;
        await using var server = await TestServer.StartAsync(TinyModel.Client());
        string longText = string.Join(' ', Enumerable.Range(0, engine.ContextTokens * 2).Select(i => $"w{i}"));
        var (status, error, _) = await PostAsync(server, User(JsonSerializer.Serialize(longText)));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains($"maximum context length is {engine.ContextTokens} tokens", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData("right-key-but-longer")]
    public async Task A_missing_or_wrong_api_key_is_401(string? key)
    {
        var scripted = new ScriptedChatClient(new TextContent("never"));
        await using var server = await TestServer.StartAsync(scripted, new Glm4vServerOptions { ServedModelNames = ["test-model"], ApiKeys = ["other", "right-key"] });
        var (status, error, response) = await PostAsync(server, Hello, key);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Empty(scripted.Requests);

        using var http = server.Http();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode); // health stays open
        // The right key passes.
        using var ok = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Sse.Json(Hello) };
        ok.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "right-key");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(ok)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_model_is_404()
    {
        var scripted = new ScriptedChatClient(new TextContent("never"));
        await using var server = await TestServer.StartAsync(scripted);
        var (status, error, _) = await PostAsync(server, Hello.Replace("test-model", "gpt-4o"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Contains("test-model", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var scripted = new ScriptedChatClient(new TextContent("never"));
        await using var server = await TestServer.StartAsync(scripted, new Glm4vServerOptions { ServedModelNames = ["test-model"], MaxRequestBodyBytes = 1000 });
        var (status, error, _) = await PostAsync(server, User(JsonSerializer.Serialize(new string('x', 2000))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());

        // Chunked (no Content-Length): refused while reading.
        using var http = server.Http();
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(User(JsonSerializer.Serialize(new string('x', 2000))))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.SendAsync(request)).StatusCode);
        Assert.Empty(scripted.Requests);
    }

    [Fact]
    public async Task Too_many_images_is_400()
    {
        var scripted = new ScriptedChatClient(new TextContent("never"));
        await using var server = await TestServer.StartAsync(scripted, new Glm4vServerOptions { ServedModelNames = ["test-model"], MaxImagesPerRequest = 1 });
        string url = TinyModel.ImageDataUrl();
        var (status, error, _) = await PostAsync(server, User($$$"""[{"type":"image_url","image_url":{"url":"{{{url}}}"}},{"type":"image_url","image_url":{"url":"{{{url}}}"}}]"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("too_many_images", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_full_queue_is_429_with_retry_after()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scripted = new ScriptedChatClient(new TextContent("done")) { Release = release };
        await using var server = await TestServer.StartAsync(scripted, new Glm4vServerOptions { ServedModelNames = ["test-model"], MaxQueuedRequests = 1, RetryAfterSeconds = 3 });
        using var http = server.Http();
        var first = http.PostAsync("/v1/chat/completions", Sse.Json(Hello));
        await scripted.Entered.Task.WaitAsync(TimeSpan.FromMinutes(1));

        var (status, error, response) = await PostAsync(server, Hello);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("queue_full", error.GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);

        release.SetResult();
        var done = await first;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/chat/completions", Sse.Json(Hello))).StatusCode); // room again
    }
}
