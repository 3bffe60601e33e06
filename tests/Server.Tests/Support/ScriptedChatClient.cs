using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.Tests.Support;

/// <summary>An <see cref="IChatClient"/> that answers every request with the same contents, recording what it was asked; optionally waits for <see cref="Release"/> first.</summary>
internal sealed class ScriptedChatClient(params AIContent[] answer) : IChatClient
{
    public List<(List<ChatMessage> Messages, ChatOptions? Options)> Requests { get; } = [];
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource? Release { get; init; }
    public UsageDetails Usage { get; init; } = new() { InputTokenCount = 11, OutputTokenCount = 5, TotalTokenCount = 16, CachedInputTokenCount = 3 };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        lock (Requests) Requests.Add((messages.ToList(), options));
        Entered.TrySetResult();
        if (Release is not null) await Release.Task.WaitAsync(cancellationToken);
        foreach (var content in answer)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, [content]);
        }
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(Usage)])
        {
            FinishReason = answer.OfType<FunctionCallContent>().Any() ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}
