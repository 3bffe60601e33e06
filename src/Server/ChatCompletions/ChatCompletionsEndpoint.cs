using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Glm4vSK.Server.ChatCompletions;

/// <summary>
/// <c>POST /v1/chat/completions</c>: body within the size limit → request → admitted by the gate → the client's
/// streaming response, written as one completion or as SSE chunks. Failures before the first byte get their status;
/// a failure mid-stream is sent as an error event, then <c>[DONE]</c>. Generation runs on
/// <see cref="HttpContext.RequestAborted"/>: a client that goes away cancels it at once.
/// </summary>
internal sealed class ChatCompletionsEndpoint(Glm4vServerOptions options, IChatClient client, ServerMetrics metrics, RequestGate gate, ILogger logger)
{
    static readonly byte[] DataPrefix = "data: "u8.ToArray(), EventEnd = "\n\n"u8.ToArray(), Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        var ct = http.RequestAborted;
        ChatCompletionRequest request;
        try
        {
            using var body = await ReadBodyAsync(http.Request, ct);
            request = ChatRequestReader.Read(body.RootElement, options);
        }
        catch (OpenAIErrorException e)
        {
            await WriteErrorAsync(http, e);
            return;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }

        if (!gate.TryEnter())
        {
            http.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteErrorAsync(http, new OpenAIErrorException(429,
                $"The server is busy: {options.MaxQueuedRequests} requests are already queued or running. Retry after {options.RetryAfterSeconds} s.",
                null, "queue_full", "rate_limit_exceeded"));
            return;
        }
        try
        {
            await GenerateAsync(http, request, started, ct);
        }
        finally { gate.Exit(); }
    }

    async Task GenerateAsync(HttpContext http, ChatCompletionRequest request, long started, CancellationToken ct)
    {
        var writer = new ChatCompletionWriter(ChatCompletionWriter.NewId(), request.Model, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var updates = new List<ChatResponseUpdate>();
        await using var stream = client.GetStreamingResponseAsync(request.Messages, request.Options, ct).GetAsyncEnumerator(ct);
        bool headersSent = false;
        try
        {
            bool first;
            if (!request.Stream)
            {
                first = await stream.MoveNextAsync();
                metrics.TimeToFirstToken.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                for (bool more = first; more; more = await stream.MoveNextAsync()) updates.Add(stream.Current);
                var response = updates.ToChatResponse();
                Count(response.Usage);
                http.Response.ContentType = "application/json";
                await http.Response.Body.WriteAsync(writer.Completion(response), ct);
                metrics.Requests.Add(1, new KeyValuePair<string, object?>("status", 200));
                return;
            }

            // The first update decides the status (bad media or a prompt over the context fail before it, and get their
            // 4xx); one slower than KeepAlive (a long queue or prefill, text held back) starts the stream without it, so
            // that keep-alives can find out whether the client is still there.
            var pending = stream.MoveNextAsync().AsTask();
            if (await Task.WhenAny(pending, Task.Delay(KeepAlive)) != pending)
            {
                headersSent = await StartStreamAsync(http, writer, ct);
                first = await NextOrKeepAliveAsync(http, pending, ct);
            }
            else first = await pending;
            metrics.TimeToFirstToken.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            if (!headersSent) headersSent = await StartStreamAsync(http, writer, ct);
            for (bool more = first; more; more = await NextOrKeepAliveAsync(http, stream.MoveNextAsync().AsTask(), ct))
            {
                var update = stream.Current;
                updates.Add(update);
                foreach (var content in update.Contents)
                {
                    switch (content)
                    {
                        case TextReasoningContent r when r.Text.Length > 0: await SendAsync(http, writer.ReasoningChunk(r.Text), ct); break;
                        case TextContent t when t.Text.Length > 0: await SendAsync(http, writer.ContentChunk(t.Text), ct); break;
                        case FunctionCallContent call:
                            foreach (var chunk in writer.ToolCallChunks(call)) await SendAsync(http, chunk, ct);
                            break;
                    }
                }
            }
            var whole = updates.ToChatResponse();
            Count(whole.Usage);
            await SendAsync(http, writer.FinishChunk(whole.FinishReason), ct);
            if (request.IncludeUsage) await SendAsync(http, writer.UsageChunk(whole.Usage), ct);
            await http.Response.Body.WriteAsync(Done, ct);
            await http.Response.Body.FlushAsync(ct);
            metrics.Requests.Add(1, new KeyValuePair<string, object?>("status", 200));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: generation is already cancelled through ct; there is no one to answer.
            metrics.Requests.Add(1, new KeyValuePair<string, object?>("status", 499));
        }
        catch (Exception e)
        {
            var error = ErrorMapping.ToOpenAI(e);
            if (error.Status >= 500) logger.LogError(e, "Chat completion failed");
            if (!headersSent)
            {
                await WriteErrorAsync(http, error);
                return;
            }
            metrics.Requests.Add(1, new KeyValuePair<string, object?>("status", error.Status));
            // Mid-stream the status is already 200: the error goes as an event, as vLLM sends it.
            try
            {
                await SendAsync(http, ChatCompletionWriter.Error(error.Message, error.Type, error.Param, error.Code), ct);
                await http.Response.Body.WriteAsync(Done, ct);
            }
            catch (Exception) when (ct.IsCancellationRequested) { }
        }
    }

    /// <summary>
    /// The next update; while none comes (a long prefill, text the parser holds back) an SSE comment goes out every
    /// <see cref="KeepAlive"/>: only a write finds out that a client has gone, so its generation is cancelled then.
    /// </summary>
    static async Task<bool> NextOrKeepAliveAsync(HttpContext http, Task<bool> next, CancellationToken ct)
    {
        try
        {
            while (await Task.WhenAny(next, Task.Delay(KeepAlive)) != next)
            {
                await http.Response.Body.WriteAsync(KeepAliveComment, ct);
                await http.Response.Body.FlushAsync(ct);
            }
        }
        catch
        {
            // The enumerator is disposed next: let its pending step end first (the same token cancels it).
            try { await next; }
            catch (Exception) { }
            throw;
        }
        return await next;
    }

    /// <summary>The SSE response headers and the role chunk; from here on the status is 200 and errors go as events.</summary>
    static async Task<bool> StartStreamAsync(HttpContext http, ChatCompletionWriter writer, CancellationToken ct)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await SendAsync(http, writer.RoleChunk(), ct);
        return true;
    }

    static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(1);
    static readonly byte[] KeepAliveComment = ": keep-alive\n\n"u8.ToArray();

    void Count(UsageDetails? usage)
    {
        if (usage?.InputTokenCount is long p) metrics.PromptTokens.Add(p);
        if (usage?.OutputTokenCount is long c) metrics.CompletionTokens.Add(c);
    }

    static async Task SendAsync(HttpContext http, byte[] json, CancellationToken ct)
    {
        var body = http.Response.Body;
        await body.WriteAsync(DataPrefix, ct);
        await body.WriteAsync(json, ct);
        await body.WriteAsync(EventEnd, ct);
        await body.FlushAsync(ct);
    }

    /// <summary>The body as JSON, refusing one over the limit (413) by its Content-Length or while reading it (chunked bodies too).</summary>
    async Task<JsonDocument> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        long limit = options.MaxRequestBodyBytes;
        OpenAIErrorException TooLarge() => new(413, $"The request body is larger than this server's limit of {limit} bytes; send smaller or fewer images.",
            null, "request_too_large");
        if (request.ContentLength > limit) throw TooLarge();
        if (http(request).Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null; // our own limit below
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new OpenAIErrorException(400, $"The request body is not valid JSON: {e.Message}", null, "invalid_json", inner: e);
        }
        static HttpContext http(HttpRequest r) => r.HttpContext;
    }

    public async Task WriteErrorAsync(HttpContext http, OpenAIErrorException error)
    {
        metrics.Requests.Add(1, new KeyValuePair<string, object?>("status", error.Status));
        await WriteErrorResponseAsync(http, error);
    }

    public static async Task WriteErrorResponseAsync(HttpContext http, OpenAIErrorException error)
    {
        http.Response.StatusCode = error.Status;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(ChatCompletionWriter.Error(error.Message, error.Type, error.Param, error.Code), http.RequestAborted);
    }
}
