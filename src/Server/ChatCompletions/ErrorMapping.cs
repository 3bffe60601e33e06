using Glm4vSK.LocalEngine;

namespace Glm4vSK.Server.ChatCompletions;

/// <summary>What the client's exceptions mean to an HTTP caller: bad input is theirs (400), anything else the server's (500).</summary>
internal static class ErrorMapping
{
    public static OpenAIErrorException ToOpenAI(Exception e) => e switch
    {
        OpenAIErrorException o => o,
        InvalidMediaException m => new OpenAIErrorException(400, m.Message,
            m.MessageIndex is int mi ? m.PartIndex is int pi ? $"messages[{mi}].content[{pi}]" : $"messages[{mi}]" : "messages", "invalid_image", inner: m),
        ContextLengthExceededException c => new OpenAIErrorException(400,
            $"This model's maximum context length is {c.ContextTokens} tokens; the prompt has {(c.PromptTokensAtLeast ? "at least " : "")}{c.PromptTokens} tokens. " +
            "Shorten the messages or send smaller images.", "messages", "context_length_exceeded", inner: c),
        // The client's own checks of a request (a hosted tool, tools on a template without them, a bad option value).
        NotSupportedException or ArgumentException => new OpenAIErrorException(400, e.Message, null, "invalid_value", inner: e),
        Glm4vException g => new OpenAIErrorException(500, g.Message, null, "server_error", "server_error", g),
        _ => new OpenAIErrorException(500, "The server failed to answer this request; see its log.", null, "server_error", "server_error", e),
    };
}
