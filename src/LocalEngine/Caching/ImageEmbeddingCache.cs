using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Caching;

/// <summary>
/// Vision-tower output of images and videos ([tokens, hidden] merged features), keyed by <see cref="MediaItem.Hash"/>
/// (pixels + grid), within a byte budget, least recently used first out: a picture seen again — turn 2 of a chat, an
/// agent's screenshot history — skips the vision tower even when the text before it changed. Thread-safe; callers get
/// copies, so an eviction never frees a tensor in use.
/// </summary>
internal sealed class ImageEmbeddingCache(long budgetBytes) : IDisposable
{
    readonly object _lock = new();
    readonly ByteBudgetLru<ContentHash> _items = new(budgetBytes);
    long _hits, _misses;

    public long BudgetBytes => _items.Budget;
    public long Bytes { get { lock (_lock) return _items.Bytes; } }
    public int Count { get { lock (_lock) return _items.Count; } }
    public long Evictions { get { lock (_lock) return _items.Evictions; } }
    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>A copy of the cached features (in the caller's dispose scope), or null.</summary>
    public Tensor? TryGet(ContentHash key)
    {
        lock (_lock)
        {
            if (_items.TryPeek(key, out var features))
            {
                _items.Touch(key);
                Interlocked.Increment(ref _hits);
                return features.clone();
            }
        }
        Interlocked.Increment(ref _misses);
        return null;
    }

    /// <summary>Keeps a copy of <paramref name="features"/> if it fits the budget.</summary>
    public void Add(ContentHash key, Tensor features)
    {
        if (ByteBudgetLru<ContentHash>.SizeOf(features) > _items.Budget) return;
        lock (_lock)
        {
            if (_items.Contains(key)) return;
            using var scope = NewDisposeScope();
            _items.Add(key, features.detach().clone().DetachFromDisposeScope());
        }
    }

    public void Clear()
    {
        lock (_lock) _items.Clear();
    }

    public void Dispose()
    {
        lock (_lock) _items.Dispose();
    }
}
