using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.Tests.Support;

/// <summary>Counts how the inner client's streams end: run to the end, or cancelled.</summary>
internal sealed class ObservedChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    int _completed, _cancelled;

    public int Completed => Volatile.Read(ref _completed);
    public int Cancelled => Volatile.Read(ref _cancelled);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        bool done = false;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken)) yield return update;
            done = true;
        }
        finally
        {
            // The engine may end a cancelled stream quietly or by throwing: the token tells which way it ended.
            if (cancellationToken.IsCancellationRequested) Interlocked.Increment(ref _cancelled);
            else if (done) Interlocked.Increment(ref _completed);
        }
    }
}
