using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector;

public sealed partial class Glm4vChatClient
{
    /// <summary>
    /// The same chat-client surface over a GLM-4V model served by an OpenAI-compatible server: see
    /// <see cref="Glm4vRemoteChatClient.ForEndpoint"/>, which a remote-only user (no engine referenced) calls instead.
    /// Kept here so that code written against the local client keeps compiling.
    /// </summary>
    public static IChatClient ForEndpoint(Uri endpoint, string? apiKey, string model, Glm4vRemoteOptions? options = null) =>
        Glm4vRemoteChatClient.ForEndpoint(endpoint, apiKey, model, options);
}
