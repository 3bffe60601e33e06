namespace Glm4vSK.Server;

/// <summary>
/// Bounds the chat requests inside the server (generating or waiting for the engine, which queues and batches them):
/// a request over <see cref="Glm4vServerOptions.MaxQueuedRequests"/> is refused at once (429) instead of piling up.
/// </summary>
internal sealed class RequestGate(Glm4vServerOptions options)
{
    int _inside;

    public int Inside => Volatile.Read(ref _inside);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inside) <= options.MaxQueuedRequests) return true;
        Interlocked.Decrement(ref _inside);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inside);
}
