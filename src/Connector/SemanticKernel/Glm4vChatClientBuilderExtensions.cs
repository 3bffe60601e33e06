using Glm4vSK.Connector;

namespace Microsoft.Extensions.AI;

/// <summary>GLM-4V middleware for a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class Glm4vChatClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="ReasoningMetadataChatClient"/>: reasoning is also stored in <c>AdditionalProperties["reasoning_content"]</c>,
    /// where Semantic Kernel (which drops <see cref="TextReasoningContent"/>) still shows it as metadata.
    /// </summary>
    public static ChatClientBuilder UseReasoningMetadata(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new ReasoningMetadataChatClient(inner));
    }
}
