using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Tests.Support;

/// <summary>
/// An <see cref="IChatClient"/> that answers with scripted texts, one per call, and records every request
/// (messages and options). A reply function can look at the request (for example at the set-of-marks elements
/// listed in the prompt) before answering.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Func<IReadOnlyList<ChatMessage>, int, string> _reply;
    private readonly object _gate = new();

    /// <summary>Answers call <c>i</c> with <c>replies[i]</c>; a call past the end fails the test.</summary>
    public ScriptedChatClient(params string[] replies)
        : this((_, i) => i < replies.Length
            ? replies[i]
            : throw new InvalidOperationException($"The script has {replies.Length} replies; call {i + 1} was not expected."))
    {
    }

    /// <summary>Answers each call with <paramref name="reply"/>(messages, call index).</summary>
    public ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, int, string> reply) => _reply = reply;

    /// <summary>Delay before each answer (to test step timeouts and cancellation).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The requests received, in order.</summary>
    public List<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Requests { get; } = [];

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        int index;
        lock (_gate)
        {
            index = Requests.Count;
            Requests.Add((list, options));
        }
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        string text = _reply(list, index);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { FinishReason = ChatFinishReason.Stop };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
