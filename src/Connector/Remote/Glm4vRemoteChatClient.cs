using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Glm4vSK.Connector.Remote;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector;

/// <summary>
/// <see cref="IChatClient"/> over an OpenAI-compatible chat-completions server running a GLM-4V model: vLLM or SGLang
/// (best with <c>--tool-call-parser glm45 --reasoning-parser glm45</c>), or the Z.ai API
/// (<see cref="Glm4vServerDialect.ZaiApi"/>). Same output as the local <c>Glm4vChatClient</c> (Glm4vSK.Connector.Local): one assistant
/// message per turn with <see cref="TextReasoningContent"/>, <see cref="TextContent"/> and
/// <see cref="FunctionCallContent"/>, then one final update with <see cref="UsageContent"/> and the finish reason.
/// </summary>
/// <remarks>
/// <para><b>Wire format.</b> A small HTTP/JSON + server-sent-events client of <c>POST {endpoint}/chat/completions</c>
/// (not the OpenAI SDK), because the request needs fields the SDK's typed model lacks (<c>skip_special_tokens</c>,
/// <c>chat_template_kwargs</c>, <c>top_k</c>, <c>repetition_penalty</c>, <c>mm_processor_kwargs</c>) and the response
/// carries <c>reasoning_content</c>/<c>reasoning</c> and, from a server without the glm45 parsers, raw GLM markup.</para>
/// <para><b>Request.</b> <c>model</c> (<c>ChatOptions.ModelId</c> or the client's model); <c>messages</c>
/// (<c>Instructions</c> first as a system message; text; images as <c>image_url</c> parts — <see cref="DataContent"/> as a
/// data URI, <see cref="UriContent"/> as its URL —, videos as <c>video_url</c>; assistant turns with <c>tool_calls</c>
/// and <c>reasoning_content</c>; each <see cref="FunctionResultContent"/> as a <c>tool</c> message); <c>temperature</c>,
/// <c>top_p</c>, <c>max_tokens</c>, <c>stop</c>, <c>seed</c>, <c>frequency_penalty</c>, <c>presence_penalty</c>;
/// <c>tools</c> (OpenAI function tools from <see cref="AIFunctionDeclaration"/>; <c>ToolMode</c> None sends none,
/// Auto/Required/RequireSpecific → <c>tool_choice</c>; <c>AllowMultipleToolCalls = false</c> →
/// <c>parallel_tool_calls: false</c>); <c>response_format</c> (JSON / JSON schema); streaming adds
/// <c>stream_options.include_usage</c>. vLLM/SGLang extras: <c>skip_special_tokens: false</c> (keeps grounding
/// markers), <c>chat_template_kwargs.enable_thinking</c> (false for <c>Reasoning.Effort = None</c> or
/// <c>AdditionalProperties["enable_thinking"] = false</c>; default <see cref="Glm4vRemoteOptions.EnableThinking"/>, else
/// true), and from <c>AdditionalProperties</c>: <c>top_k</c> (or <c>ChatOptions.TopK</c>), <c>repetition_penalty</c>,
/// <c>min_p</c>, <c>cache_salt</c>, <c>chat_template_kwargs</c>, <c>mm_processor_kwargs</c>, and <c>min_pixels</c>/<c>max_pixels</c> as
/// <c>mm_processor_kwargs.size</c>. <c>AdditionalProperties["extra_body"]</c> (an object) is merged into the body last,
/// like the Python SDK's <c>extra_body</c>; <c>RawRepresentationFactory</c> may return a
/// <see cref="System.Text.Json.Nodes.JsonObject"/> that seeds the body.</para>
/// <para><b>Tool results with images.</b> OpenAI tool messages carry text only. A result's text parts go into its
/// <c>tool</c> message (a media-only result gets <see cref="RemoteRequestBuilder.MediaOnlyToolResult"/>); its images and
/// videos go, after the run of tool messages, into one <c>user</c> message of <c>image_url</c>/<c>video_url</c> parts,
/// each result's media introduced by a text part naming its tool. Results that are <see cref="DataContent"/>,
/// <see cref="UriContent"/>, lists of <see cref="AIContent"/>, or <c>DataContent</c> serialized to JSON (a kernel-bound
/// function's result) are recognised.</para>
/// <para><b>Response.</b> See <see cref="RemoteTurn"/>: server-parsed reasoning and tool calls are taken as they are
/// (call ids kept); raw <c>&lt;think&gt;</c>/<c>&lt;tool_call&gt;</c> markup in the content is parsed here, so the result
/// is the same either way. One <c>ResponseId</c> = <c>MessageId</c> (the server's completion id) per turn; usage from
/// <c>usage</c> (with <c>prompt_tokens_details.cached_tokens</c>); finish reason <c>tool_calls</c> whenever a call was
/// returned. Each update's <c>RawRepresentation</c> is the chunk it was made from (a <see cref="JsonElement"/>; an
/// update completed by a later chunk carries that one); a non-streaming response's is the whole body.</para>
/// <para><b>Errors.</b> An HTTP error status, an error event in the stream, or a response that is not a chat
/// completion → <see cref="Glm4vRemoteException"/> with the status code and the server's message; so is any field of
/// a response or chunk with a wrong type or value (the message names its path, e.g. <c>choices[0].delta.content</c>;
/// missing fields and JSON nulls are accepted). Cancellation aborts the request or the stream at once
/// (<see cref="OperationCanceledException"/> on the caller's token).</para>
/// <para><b>Limits.</b> Nothing a server sends is buffered without bound and no wait is unbounded: a non-streaming body
/// over <see cref="Glm4vRemoteOptions.MaxResponseBytes"/>, a stream event (or a line that never ends) over
/// <see cref="Glm4vRemoteOptions.MaxEventBytes"/>, one tool call's streamed arguments over <c>MaxResponseBytes</c>, a
/// request not done within <see cref="Glm4vRemoteOptions.Timeout"/> (non-streaming: headers and body), or a stream
/// silent for <see cref="Glm4vRemoteOptions.StreamIdleTimeout"/> → <see cref="Glm4vRemoteException"/> naming the
/// setting. Events are read with the BCL's <see cref="System.Net.ServerSentEvents.SseParser"/> over a stream that
/// counts each event's bytes (the parser itself has no size limit).</para>
/// <para>Thread-safe: nothing is shared between requests but the <see cref="HttpClient"/>. Options are never mutated.</para>
/// </remarks>
public sealed class Glm4vRemoteChatClient : IChatClient
{
    readonly HttpClient _http;
    readonly bool _ownsHttp;
    readonly Uri _chatCompletions;
    readonly string? _apiKey;
    readonly string _model;
    readonly Glm4vRemoteOptions _options;
    readonly ChatClientMetadata _metadata;

    /// <summary>
    /// A GLM-4V model served by an OpenAI-compatible server: vLLM or SGLang (<c>vllm serve zai-org/GLM-4.6V
    /// --tool-call-parser glm45 --reasoning-parser glm45 --enable-auto-tool-choice</c>; endpoint
    /// <c>http://host:8000/v1</c>) or the Z.ai API (with <c>Dialect = Glm4vServerDialect.ZaiApi</c>). The entry point of
    /// a remote-only user (this package needs no engine); <c>Glm4vChatClient.ForEndpoint</c> of Glm4vSK.Connector.Local
    /// is the same call.
    /// </summary>
    /// <param name="endpoint">The API base URL (…/v1) or the full …/chat/completions URL.</param>
    /// <param name="apiKey">Bearer token, or null for a server without one.</param>
    /// <param name="model">The served model name.</param>
    public static IChatClient ForEndpoint(Uri endpoint, string? apiKey, string model, Glm4vRemoteOptions? options = null) =>
        new Glm4vRemoteChatClient(endpoint, apiKey, model, options);

    /// <param name="endpoint">The API base (<c>http://host:8000/v1</c>, <c>https://api.z.ai/api/paas/v4</c>) or the full <c>…/chat/completions</c> URL.</param>
    /// <param name="apiKey">Sent as <c>Authorization: Bearer</c>; null or empty sends no header (vLLM without <c>--api-key</c>).</param>
    /// <param name="model">The served model name (<c>zai-org/GLM-4.6V</c>, or vLLM's <c>--served-model-name</c>).</param>
    public Glm4vRemoteChatClient(Uri endpoint, string? apiKey, string model, Glm4vRemoteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"The endpoint must be an absolute http(s) URL, not '{endpoint}'.", nameof(endpoint));
        _options = options ?? new Glm4vRemoteOptions();
        Validate(_options);
        _chatCompletions = ChatCompletionsUri(endpoint);
        _apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
        _model = model;
        _metadata = new ChatClientMetadata("glm4v-remote", endpoint, model);
        if (_options.HttpClient is { } http) _http = http;
        else
        {
            // Options.Timeout is enforced per request (RemoteDeadline), over the body too, which HttpClient.Timeout is not.
            _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            _ownsHttp = true;
        }
    }

    /// <summary>The URL requests are posted to.</summary>
    public Uri ChatCompletionsEndpoint => _chatCompletions;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = RemoteRequestBuilder.Build(messages, options, _model, _options, stream: false, this);
        using var deadline = new RemoteDeadline(_chatCompletions, cancellationToken);
        deadline.Start(_options.Timeout, nameof(Glm4vRemoteOptions.Timeout)); // the whole request: headers and body
        using var response = await deadline.RunAsync(SendAsync(request, stream: false, deadline.Token)).ConfigureAwait(false);
        var turn = new RemoteTurn(request, _options.MaxResponseBytes);
        var updates = new List<ChatResponseUpdate>();
        await deadline.RunAsync(ReadWholeAsync(response, turn, updates, deadline.Token)).ConfigureAwait(false);
        turn.Complete(updates);
        var whole = updates.ToChatResponse();
        whole.RawRepresentation = turn.Raw; // the response body
        return whole;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = RemoteRequestBuilder.Build(messages, options, _model, _options, stream: true, this);
        using var deadline = new RemoteDeadline(_chatCompletions, cancellationToken);
        deadline.Start(_options.Timeout, nameof(Glm4vRemoteOptions.Timeout)); // until the headers (or a whole JSON answer)
        using var response = await deadline.RunAsync(SendAsync(request, stream: true, deadline.Token)).ConfigureAwait(false);
        var turn = new RemoteTurn(request, _options.MaxResponseBytes);
        var sink = new List<ChatResponseUpdate>();

        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            // A server that answered a streaming request with one JSON response.
            await deadline.RunAsync(ReadWholeAsync(response, turn, sink, deadline.Token)).ConfigureAwait(false);
            foreach (var update in sink) yield return update;
            sink.Clear();
        }
        else
        {
            bool done = false;
            var body = await deadline.RunAsync(response.Content.ReadAsStreamAsync(deadline.Token)).ConfigureAwait(false);
            await using var limited = new SseEventSizeLimitStream(body, _options.MaxEventBytes, () => TooLarge("a stream event", nameof(Glm4vRemoteOptions.MaxEventBytes), _options.MaxEventBytes, null));
            await using var events = SseParser.Create(limited, static (_, data) => data.ToArray()).EnumerateAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
            while (true)
            {
                // Only the wait for the server counts against the idle timeout, not the caller's time between updates.
                deadline.Start(_options.StreamIdleTimeout, nameof(Glm4vRemoteOptions.StreamIdleTimeout));
                bool more = await deadline.RunAsync(events.MoveNextAsync().AsTask()).ConfigureAwait(false);
                deadline.Pause();
                if (!more) break;
                byte[] data = events.Current.Data;
                if (data.AsSpan().SequenceEqual("[DONE]"u8))
                {
                    done = true;
                    break;
                }
                Chunk(data, turn, sink);
                foreach (var update in sink) yield return update;
                sink.Clear();
            }
            if (!done && !turn.SawFinish)
                throw new Glm4vRemoteException($"The GLM server at {_chatCompletions} closed the stream before the response was complete.", null,
                    "stream ended without [DONE] or a finish_reason", null);
        }
        turn.Complete(sink);
        foreach (var update in sink) yield return update;
    }

    void Chunk(byte[] data, RemoteTurn turn, List<ChatResponseUpdate> sink)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(data); }
        catch (JsonException e)
        {
            string text = Encoding.UTF8.GetString(data);
            throw new Glm4vRemoteException($"The GLM server at {_chatCompletions} sent a stream event that is not JSON: {Cut(text, 200)}", null, Cut(text, 4000), Cut(text, ErrorBodyLimit), e);
        }
        using (doc) Apply(doc.RootElement, turn, whole: false, sink, null);
    }

    async Task ReadWholeAsync(HttpResponseMessage response, RemoteTurn turn, List<ChatResponseUpdate> sink, CancellationToken cancellationToken)
    {
        long limit = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength > limit) // refused before reading a byte
            throw TooLarge($"a response of {response.Content.Headers.ContentLength} bytes", nameof(Glm4vRemoteOptions.MaxResponseBytes), limit, response.StatusCode);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var stream = new BodySizeLimitStream(body, limit, () => TooLarge("a response", nameof(Glm4vRemoteOptions.MaxResponseBytes), limit, response.StatusCode));
        JsonDocument doc;
        try { doc = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false); }
        catch (JsonException e)
        {
            throw new Glm4vRemoteException($"The GLM server at {_chatCompletions} returned a response that is not JSON.", response.StatusCode, e.Message, null, e);
        }
        using (doc) Apply(doc.RootElement, turn, whole: true, sink, response.StatusCode);
    }

    Glm4vRemoteException TooLarge(string what, string setting, long limit, HttpStatusCode? status) =>
        new($"The GLM server at {_chatCompletions} sent {what} larger than Glm4vRemoteOptions.{setting} ({limit} bytes); raise {setting} if such answers are expected.",
            status, $"{what} over {limit} bytes", null);

    void Apply(JsonElement root, RemoteTurn turn, bool whole, List<ChatResponseUpdate> sink, HttpStatusCode? status)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new Glm4vRemoteException($"The GLM server at {_chatCompletions} returned JSON that is not a chat completion.", status, Cut(root.GetRawText(), 4000), Cut(root.GetRawText(), ErrorBodyLimit));
        if (ErrorMessage(root) is { } error && (root.TryGetProperty("error", out _) || !root.TryGetProperty("choices", out _)))
            throw new Glm4vRemoteException($"The GLM server at {_chatCompletions} reported an error: {error}", status, error, Cut(root.GetRawText(), ErrorBodyLimit));
        try
        {
            turn.Meta(root);
            if (WireFields.Array(root, "choices", "") is { } choices)
            {
                int position = 0;
                foreach (var choice in choices.EnumerateArray())
                {
                    string path = $"choices[{position++}]";
                    WireFields.RequireObject(choice, path);
                    // n > 1 is not supported: only choice 0 is read.
                    if ((WireFields.Index(choice, "index", path) ?? 0) != 0) continue;
                    turn.Choice(choice, path, whole, sink);
                }
            }
            else if (whole)
                throw new Glm4vRemoteException($"The GLM server at {_chatCompletions} returned JSON without 'choices'.", status, Cut(root.GetRawText(), 4000), Cut(root.GetRawText(), ErrorBodyLimit));
            if (WireFields.Object(root, "usage", "") is { } usage) turn.Usage(usage);
        }
        catch (MalformedFieldException e)
        {
            throw new Glm4vRemoteException($"The GLM server at {_chatCompletions} sent a malformed {(whole ? "response" : "stream chunk")}: {e.Message}.",
                status, e.Message, Cut(root.GetRawText(), ErrorBodyLimit), e);
        }
    }

    async Task<HttpResponseMessage> SendAsync(RemoteRequest request, bool stream, CancellationToken cancellationToken)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(request.Body, RemoteRequestBuilder.Json.GetTypeInfo(typeof(System.Text.Json.Nodes.JsonObject)));
        using var message = new HttpRequestMessage(HttpMethod.Post, _chatCompletions) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(stream ? "text/event-stream" : "application/json"));
        if (_apiKey is not null) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);

        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await HttpErrorAsync(response, cancellationToken).ConfigureAwait(false);
    }

    async Task<Glm4vRemoteException> HttpErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        const int Limit = ErrorBodyLimit;
        string? body = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[Limit];
            int total = 0, read;
            while (total < Limit && (read = await stream.ReadAsync(buffer.AsMemory(total, Limit - total), cancellationToken).ConfigureAwait(false)) > 0) total += read;
            body = Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            // No body to report; the status code still says what happened.
        }
        string serverMessage = ErrorMessage(body) ?? (string.IsNullOrWhiteSpace(body) ? response.ReasonPhrase ?? "" : Cut(body.Trim(), 4000));
        int code = (int)response.StatusCode;
        return new Glm4vRemoteException($"The GLM server at {_chatCompletions} returned HTTP {code} ({response.ReasonPhrase}): {serverMessage}",
            response.StatusCode, serverMessage, body);
    }

    static string? ErrorMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? ErrorMessage(doc.RootElement) : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>
    /// <c>{"error": {"message"}}</c> (OpenAI, newer vLLM, SGLang), <c>{"error": "…"}</c>, <c>{"object": "error", "message"}</c>
    /// (older vLLM), <c>{"detail": …}</c> (FastAPI validation).
    /// </summary>
    static string? ErrorMessage(JsonElement root)
    {
        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.String) return error.GetString();
            if (error.ValueKind == JsonValueKind.Object)
                return error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : error.GetRawText();
        }
        bool isError = root.TryGetProperty("object", out var o) && o.ValueKind == JsonValueKind.String && o.ValueEquals("error");
        if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String && (isError || !root.TryGetProperty("choices", out _)))
            return message.GetString();
        if (root.TryGetProperty("detail", out var detail))
            return detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText();
        return null;
    }

    /// <summary>The most of a response kept in <see cref="Glm4vRemoteException.ResponseBody"/>.</summary>
    const int ErrorBodyLimit = 64 * 1024;

    static void Validate(Glm4vRemoteOptions o)
    {
        if (o.MaxResponseBytes <= 0)
            throw new ArgumentOutOfRangeException("options", o.MaxResponseBytes, $"Glm4vRemoteOptions.{nameof(o.MaxResponseBytes)} must be positive.");
        if (o.MaxEventBytes <= 0)
            throw new ArgumentOutOfRangeException("options", o.MaxEventBytes, $"Glm4vRemoteOptions.{nameof(o.MaxEventBytes)} must be positive.");
        ValidateTimeout(o.Timeout, nameof(o.Timeout));
        ValidateTimeout(o.StreamIdleTimeout, nameof(o.StreamIdleTimeout));
    }

    static void ValidateTimeout(TimeSpan value, string setting)
    {
        if (value != Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue))
            throw new ArgumentOutOfRangeException("options", value,
                $"Glm4vRemoteOptions.{setting} must be positive and at most {TimeSpan.FromMilliseconds(int.MaxValue)}, or Timeout.InfiniteTimeSpan for no limit.");
    }

    static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    static Uri ChatCompletionsUri(Uri endpoint)
    {
        var builder = new UriBuilder(endpoint) { Query = "", Fragment = "" };
        string path = builder.Path.TrimEnd('/');
        if (!path.EndsWith("/chat/completions", StringComparison.Ordinal)) path += "/chat/completions";
        builder.Path = path;
        return builder.Uri;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (serviceType == typeof(Glm4vRemoteOptions)) return _options;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Disposes the <see cref="HttpClient"/> this client created (not one passed in <see cref="Glm4vRemoteOptions.HttpClient"/>).</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
