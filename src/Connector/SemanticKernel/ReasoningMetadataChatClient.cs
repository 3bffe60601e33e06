using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector;

/// <summary>
/// Copies each message's <see cref="TextReasoningContent"/> text into its <c>AdditionalProperties</c> under
/// <see cref="MetadataKey"/> (streaming: each update's reasoning delta into the update's <c>AdditionalProperties</c>),
/// leaving the contents as they are. Semantic Kernel 1.82's bridge from <see cref="IChatClient"/> to its own types drops
/// <see cref="TextReasoningContent"/> but keeps <c>AdditionalProperties</c> as <c>Metadata</c>, so with this middleware
/// the reasoning reaches SK users as <c>ChatMessageContent.Metadata["reasoning_content"]</c> and
/// <c>StreamingChatMessageContent.Metadata["reasoning_content"]</c> (the key vLLM and OpenAI-compatible servers use).
/// </summary>
public sealed class ReasoningMetadataChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    /// <summary>The metadata key under which the reasoning text is stored.</summary>
    public const string MetadataKey = "reasoning_content";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var message in response.Messages)
            if (Reasoning(message.Contents) is { } text)
                (message.AdditionalProperties ??= [])[MetadataKey] = text;
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            if (Reasoning(update.Contents) is { } text)
                (update.AdditionalProperties ??= [])[MetadataKey] = text;
            yield return update;
        }
    }

    static string? Reasoning(IList<AIContent> contents) =>
        contents.OfType<TextReasoningContent>().Any() ? string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)) : null;
}
