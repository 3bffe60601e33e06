using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector;

public sealed partial class Glm4vChatClient
{
    /// <summary>
    /// The same chat-client surface over a GLM-4V model served by an OpenAI-compatible server instead of the local
    /// engine: vLLM or SGLang (<c>vllm serve zai-org/GLM-4.6V --tool-call-parser glm45 --reasoning-parser glm45
    /// --enable-auto-tool-choice</c>; endpoint <c>http://host:8000/v1</c>) or the Z.ai API (with
    /// <c>Dialect = Glm4vServerDialect.ZaiApi</c>). Returns a <see cref="Glm4vRemoteChatClient"/>.
    /// </summary>
    /// <param name="endpoint">The API base URL (…/v1) or the full …/chat/completions URL.</param>
    /// <param name="apiKey">Bearer token, or null for a server without one.</param>
    /// <param name="model">The served model name.</param>
    public static IChatClient ForEndpoint(Uri endpoint, string? apiKey, string model, Glm4vRemoteOptions? options = null) =>
        new Glm4vRemoteChatClient(endpoint, apiKey, model, options);
}
