using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glm4vSK.Server.Tests.ChatPage;

/// <summary>
/// Kestrel on 127.0.0.1 (port 0) with the chat page at <c>/</c> and <c>/chat/</c>, and fake OpenAI endpoints: <c>/v1/models</c>
/// and a streaming <c>/v1/chat/completions</c> that answers from a script chosen by the last user text (see
/// <see cref="Scripts"/>) and records every request.
/// </summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    public static readonly string[] ModelIds = ["glm-4.1v-9b-thinking", "glm-4.5v"];

    /// <summary>One recorded chat request: its JSON body and its Authorization header.</summary>
    public sealed record Recorded(JsonNode Body, string? Authorization);

    private readonly WebApplication _app;

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    /// <summary>When set, the grounding script waits for it after its first content chunks (so a test sees a partial answer).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Completed when a chat request's client disconnected while the script waited on <see cref="Gate"/>.</summary>
    public TaskCompletionSource ClientDisconnected { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri BaseUri { get; }

    private FakeChatServer(WebApplication app, Uri baseUri) { _app = app; BaseUri = baseUri; }

    public static async Task<FakeChatServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeChatServer? server = null;
        app.MapGlm4vChatPage();
        app.MapGlm4vChatPage("/chat");
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = ModelIds.Select(id => new { id, @object = "model" }) }));
        app.MapPost("/v1/chat/completions", (HttpContext context) => server!.CompleteAsync(context));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeChatServer(app, new Uri(address + "/"));
        return server;
    }

    public void Reset()
    {
        Requests.Clear();
        Gate = null;
        ClientDisconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!;
        Requests.Enqueue(new Recorded(body, context.Request.Headers.Authorization.FirstOrDefault()));
        string lastUserText = Scripts.LastUserText(body);

        if (lastUserText.Contains(Scripts.FailTrigger, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = new { message = Scripts.ErrorMessage, type = "invalid_request_error", param = "messages", code = Scripts.ErrorCode } });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var (beforeGate, afterGate) = lastUserText.Contains(Scripts.ToolTrigger, StringComparison.Ordinal)
            ? (Scripts.ToolCallChunks(), [])
            : Scripts.GroundingChunks();
        try
        {
            foreach (var chunk in beforeGate) await WriteEventAsync(context, chunk.ToJsonString());
            if (Gate is { } gate) await gate.Task.WaitAsync(TimeSpan.FromSeconds(60), context.RequestAborted);
            foreach (var chunk in afterGate) await WriteEventAsync(context, chunk.ToJsonString());
            await WriteEventAsync(context, "[DONE]");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            ClientDisconnected.TrySetResult();
        }
    }

    private static async Task WriteEventAsync(HttpContext context, string data)
    {
        await context.Response.WriteAsync("data: " + data + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        Gate?.TrySetCanceled();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The scripted answers, in vLLM's streaming chunk format.</summary>
    public static class Scripts
    {
        public const string FailTrigger = "please fail", ToolTrigger = "use the tool";
        public const string ErrorMessage = "This model's maximum context length is 8192 tokens; shorten the messages.";
        public const string ErrorCode = "context_length_exceeded";
        public const string Reasoning = "Looking at the image, the cat sits left of center.";
        public const string ToolName = "get_weather";

        /// <summary>What the page shows while the script waits on the gate: the box marker is already hidden.</summary>
        public const string AnswerBeforeGate = "The cat is at [100,200,";

        /// <summary>The whole answer as text, markers removed; the HTML in it must stay text.</summary>
        public const string VisibleAnswer = "The cat is at [100,200,500,600] and <img src=x onerror=\"window.__xss=1\"><b>bold?</b> done.";

        public static (JsonNode[] BeforeGate, JsonNode[] AfterGate) GroundingChunks() => (
            [
                Delta(new JsonObject { ["role"] = "assistant", ["content"] = "" }),
                Delta(new JsonObject { ["reasoning_content"] = "Looking at the image, " }),
                Delta(new JsonObject { ["reasoning_content"] = "the cat sits left of center." }),
                Delta(new JsonObject { ["content"] = "The cat is at " }),
                Delta(new JsonObject { ["content"] = "<|begin_" }),
                Delta(new JsonObject { ["content"] = "of_box|>[100,200," }),
            ],
            [
                Delta(new JsonObject { ["content"] = "500,600]<|end_of" }),
                Delta(new JsonObject { ["content"] = "_box|> and <img src=x onerror=\"window.__xss=1\">" }),
                Delta(new JsonObject { ["content"] = "<b>bold?</b> done." }),
                Delta(new JsonObject(), "stop"),
            ]);

        public static JsonNode[] ToolCallChunks() =>
        [
            Delta(new JsonObject { ["role"] = "assistant" }),
            Delta(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["id"] = "call_1", ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = ToolName, ["arguments"] = "" },
            }) }),
            Delta(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = "{\"city\": " } }) }),
            Delta(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = "\"Paris\"}" } }) }),
            Delta(new JsonObject(), "tool_calls"),
        ];

        private static JsonNode Delta(JsonObject delta, string? finishReason = null) => new JsonObject
        {
            ["id"] = "chatcmpl-test", ["object"] = "chat.completion.chunk", ["model"] = ModelIds[0],
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
        };

        /// <summary>The text of the last user message (string content or its text parts).</summary>
        public static string LastUserText(JsonNode body)
        {
            var last = body["messages"]!.AsArray().Last(m => (string?)m!["role"] == "user")!;
            var content = last["content"]!;
            return content.GetValueKind() == JsonValueKind.String
                ? (string)content!
                : string.Concat(content.AsArray().Where(p => (string?)p!["type"] == "text").Select(p => (string?)p!["text"]));
        }
    }
}
