#pragma warning disable SKEXP0110 // ReasoningContent / StreamingReasoningContent are marked experimental in SK 1.82

using Glm4vSK.Connector;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Keeps GLM-4V reasoning visible to Semantic Kernel users. SK 1.82's bridge from <c>IChatClient</c> drops
/// <c>TextReasoningContent</c>; <see cref="Glm4vKernelBuilderExtensions.AddGlm4vChatClient(IKernelBuilder, Microsoft.Extensions.AI.IChatClient, string?)"/>
/// registers a pipeline that keeps it as metadata and as SK <see cref="ReasoningContent"/> items.
/// </summary>
public static class Glm4vReasoningExtensions
{
    /// <summary>The model's reasoning for this message (its <see cref="ReasoningContent"/> items, else its <c>reasoning_content</c> metadata), or null.</summary>
    public static string? GetReasoning(this ChatMessageContent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var items = message.Items.OfType<ReasoningContent>().ToList();
        return items.Count > 0 ? string.Concat(items.Select(r => r.Text)) : MetadataReasoning(message.Metadata);
    }

    /// <summary>The reasoning delta of this streaming update, or null.</summary>
    public static string? GetReasoning(this StreamingChatMessageContent update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var items = update.Items.OfType<StreamingReasoningContent>().ToList();
        return items.Count > 0 ? string.Concat(items.Select(r => r.Text)) : MetadataReasoning(update.Metadata);
    }

    /// <summary>
    /// Wraps a chat completion service (usually <c>chatClient.AsChatCompletionService()</c> over a pipeline with
    /// <c>UseReasoningMetadata()</c>) so that results carry SK <see cref="ReasoningContent"/> /
    /// <see cref="StreamingReasoningContent"/> items made from the <c>reasoning_content</c> metadata.
    /// </summary>
    public static IChatCompletionService WithReasoningContent(this IChatCompletionService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service is ReasoningChatCompletionService ? service : new ReasoningChatCompletionService(service);
    }

    internal static string? MetadataReasoning(IReadOnlyDictionary<string, object?>? metadata) =>
        metadata is not null && metadata.TryGetValue(ReasoningMetadataChatClient.MetadataKey, out var value) && value is string { Length: > 0 } text ? text : null;
}
