namespace Glm4vSK.Connector;

/// <summary>Which request dialect a remote GLM server speaks (the OpenAI chat-completions format plus its own extras).</summary>
public enum Glm4vServerDialect
{
    /// <summary>
    /// vLLM or SGLang serving GLM-4.5V/4.6V (<c>--tool-call-parser glm45 --reasoning-parser glm45</c>): sends
    /// <c>skip_special_tokens: false</c>, <c>chat_template_kwargs.enable_thinking</c> and the sampler extras
    /// (<c>top_k</c>, <c>repetition_penalty</c>, <c>min_p</c>, <c>mm_processor_kwargs</c>).
    /// </summary>
    OpenAICompatible,

    /// <summary>
    /// The Z.ai (Zhipu) API: thinking is switched with <c>thinking: {"type": "enabled" | "disabled"}</c>; no vLLM
    /// extras are sent (only what <c>extra_body</c> adds).
    /// </summary>
    ZaiApi,
}

/// <summary>Client-wide settings of <see cref="Glm4vRemoteChatClient"/>. Per-request <c>ChatOptions</c> override the defaults.</summary>
public sealed record Glm4vRemoteOptions
{
    /// <summary>The request dialect (default: vLLM/SGLang).</summary>
    public Glm4vServerDialect Dialect { get; init; } = Glm4vServerDialect.OpenAICompatible;

    /// <summary>
    /// An <see cref="System.Net.Http.HttpClient"/> to send requests with (owned by the caller, not disposed). Null: the
    /// client creates and owns one, with <see cref="Timeout"/>.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// Time limit of a whole non-streaming request (headers and body), and of a streaming request until the response
    /// headers arrive (or its whole body, when the server answers with one JSON response instead of a stream); default
    /// 10 minutes: a long thinking answer takes a while. Applies with a caller's
    /// <see cref="HttpClient"/> too (whose own <c>HttpClient.Timeout</c> still bounds the headers).
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Longest wait for the next event of a streamed response (default 5 minutes, which covers prefill of a long
    /// multimodal prompt before the first token). Only time spent waiting for the server counts, not the caller's time
    /// between updates. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest non-streaming response body read, in bytes (default 16 MiB); a larger one fails instead of filling memory.</summary>
    public long MaxResponseBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// Largest server-sent event of a streamed response, in bytes of its lines (default 1 MiB; a chunk of vLLM is a
    /// few hundred bytes); a larger one, or a line that never ends, fails instead of filling memory.
    /// </summary>
    public int MaxEventBytes { get; init; } = 1024 * 1024;

    /// <summary>Default for thinking when the request does not say (null: on, the GLM-4.5V/4.6V template's default).</summary>
    public bool? EnableThinking { get; init; }

    /// <summary>Return <c>TextReasoningContent</c> (default true); false drops reasoning from the output.</summary>
    public bool IncludeReasoning { get; init; } = true;

    /// <summary>Default <c>max_tokens</c> when <c>ChatOptions.MaxOutputTokens</c> is not set (null: the server's default).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>
    /// GLM-4.1V-Thinking / AutoGLM-Phone served remotely: the answer is the text inside <c>&lt;answer&gt;…&lt;/answer&gt;</c>
    /// (see <see cref="Formats.GlmParserOptions.ExtractAnswer"/>).
    /// </summary>
    public bool ExtractAnswer { get; init; }
}
