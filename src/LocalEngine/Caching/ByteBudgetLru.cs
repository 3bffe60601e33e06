using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Caching;

/// <summary>
/// Tensors by key within a byte budget, least recently used first out. Owns its tensors: each is disposed when it is
/// evicted, cleared or the cache is disposed. Not thread-safe; the caches that use it lock around it.
/// </summary>
internal sealed class ByteBudgetLru<TKey>(long budget) : IDisposable where TKey : notnull
{
    readonly Dictionary<TKey, LinkedListNode<Entry>> _map = [];
    readonly LinkedList<Entry> _order = new();   // First = least recently used

    sealed record Entry(TKey Key, Tensor Value, long Bytes);

    public long Budget { get; } = budget;
    public long Bytes { get; private set; }
    public int Count => _map.Count;
    public long Evictions { get; private set; }

    public static long SizeOf(Tensor t) => t.numel() * t.ElementSize;

    public bool Contains(TKey key) => _map.ContainsKey(key);

    /// <summary>The cached tensor (still owned by the cache), without changing its recency.</summary>
    public bool TryPeek(TKey key, out Tensor value)
    {
        if (_map.TryGetValue(key, out var node)) { value = node.Value.Value; return true; }
        value = null!;
        return false;
    }

    /// <summary>Makes <paramref name="key"/> the most recently used entry.</summary>
    public void Touch(TKey key)
    {
        if (!_map.TryGetValue(key, out var node)) return;
        _order.Remove(node);
        _order.AddLast(node);
    }

    /// <summary>
    /// Takes ownership of <paramref name="value"/> (detached from any dispose scope) and evicts least recently used
    /// entries, except those <paramref name="pinned"/> keeps, until it fits. Returns false, having disposed it, when it
    /// cannot fit or the key is already there.
    /// </summary>
    public bool Add(TKey key, Tensor value, Func<TKey, bool>? pinned = null)
    {
        long bytes = SizeOf(value);
        if (_map.ContainsKey(key) || bytes > Budget)
        {
            value.Dispose();
            return false;
        }
        var node = _order.First;
        while (Bytes + bytes > Budget && node is not null)
        {
            var next = node.Next;
            if (pinned is null || !pinned(node.Value.Key)) Remove(node, evicted: true);
            node = next;
        }
        if (Bytes + bytes > Budget)
        {
            value.Dispose();
            return false;
        }
        _map[key] = _order.AddLast(new Entry(key, value, bytes));
        Bytes += bytes;
        return true;
    }

    void Remove(LinkedListNode<Entry> node, bool evicted)
    {
        _order.Remove(node);
        _map.Remove(node.Value.Key);
        Bytes -= node.Value.Bytes;
        node.Value.Value.Dispose();
        if (evicted) Evictions++;
    }

    public void Clear()
    {
        while (_order.First is { } node) Remove(node, evicted: false);
    }

    public void Dispose() => Clear();
}
