using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.ChatCompletions;

/// <summary>One <c>POST /v1/chat/completions</c> body, read into MEAI terms.</summary>
internal sealed record ChatCompletionRequest(
    string Model,
    IReadOnlyList<ChatMessage> Messages,
    ChatOptions Options,
    bool Stream,
    bool IncludeUsage);
