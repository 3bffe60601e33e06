#pragma warning disable SKEXP0110 // ReasoningContent / StreamingReasoningContent are marked experimental in SK 1.82

using System.Runtime.CompilerServices;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Glm4vSK.Connector;

/// <summary>
/// An <see cref="IChatCompletionService"/> that turns the reasoning text a <see cref="ReasoningMetadataChatClient"/>
/// stored in the metadata into SK's own <see cref="ReasoningContent"/> (and <see cref="StreamingReasoningContent"/>)
/// items, in the returned messages and in the messages the call added to the chat history (tool-call turns).
/// </summary>
internal sealed class ReasoningChatCompletionService(IChatCompletionService inner) : IChatCompletionService
{
    public IReadOnlyDictionary<string, object?> Attributes => inner.Attributes;

    public async Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null,
        Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chatHistory);
        int before = chatHistory.Count;
        var results = await inner.GetChatMessageContentsAsync(chatHistory, executionSettings, kernel, cancellationToken).ConfigureAwait(false);
        for (int i = before; i < chatHistory.Count; i++) AddReasoning(chatHistory[i]);
        foreach (var message in results) AddReasoning(message);
        return results;
    }

    public async IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(ChatHistory chatHistory,
        PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chatHistory);
        int before = chatHistory.Count;
        await foreach (var update in inner.GetStreamingChatMessageContentsAsync(chatHistory, executionSettings, kernel, cancellationToken).ConfigureAwait(false))
        {
            if (Glm4vReasoningExtensions.MetadataReasoning(update.Metadata) is { } text && !update.Items.OfType<StreamingReasoningContent>().Any())
                update.Items.Add(new StreamingReasoningContent(text) { ModelId = update.ModelId });
            yield return update;
        }
        for (int i = before; i < chatHistory.Count; i++) AddReasoning(chatHistory[i]);
    }

    static void AddReasoning(ChatMessageContent message)
    {
        if (Glm4vReasoningExtensions.MetadataReasoning(message.Metadata) is { } text && !message.Items.OfType<ReasoningContent>().Any())
            message.Items.Insert(0, new ReasoningContent(text) { ModelId = message.ModelId });
    }
}
