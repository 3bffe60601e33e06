using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Caching;

/// <summary>
/// Engine-wide KV of earlier sequences, in blocks of <see cref="BlockTokens"/> positions keyed by
/// <see cref="BlockHashes"/>, within a byte budget. A block is one tensor [2·layers, kv_heads, block, head_dim] (keys
/// and values of every layer) copied out of, and back into, one row of a <see cref="KvCache"/>, so any sequence of any
/// generation (a later batched one included) can use it. Least recently used blocks go first; a restored or stored
/// chain is touched from its last block to its first, so a chain loses its tail before its head. Thread-safe.
/// </summary>
internal sealed class PrefixCache : IDisposable
{
    readonly object _lock = new();
    readonly ByteBudgetLru<ContentHash> _blocks;
    long _hitTokens, _lookups, _hitLookups;

    public PrefixCache(long budgetBytes, int blockTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockTokens);
        _blocks = new ByteBudgetLru<ContentHash>(budgetBytes);
        BlockTokens = blockTokens;
    }

    public int BlockTokens { get; }
    public long BudgetBytes => _blocks.Budget;
    public long Bytes { get { lock (_lock) return _blocks.Bytes; } }
    public int Count { get { lock (_lock) return _blocks.Count; } }
    public long Evictions { get { lock (_lock) return _blocks.Evictions; } }
    /// <summary>Prompt tokens served from the cache so far, over <see cref="Lookups"/> lookups.</summary>
    public long HitTokens => Interlocked.Read(ref _hitTokens);
    public long Lookups => Interlocked.Read(ref _lookups);
    /// <summary>Lookups that restored at least one block.</summary>
    public long HitLookups => Interlocked.Read(ref _hitLookups);

    /// <summary>
    /// Copies the longest run of cached leading blocks (at most <paramref name="maxBlocks"/>) into row
    /// <paramref name="row"/> of <paramref name="cache"/> from position 0; returns how many blocks it copied.
    /// </summary>
    public int Restore(IReadOnlyList<ContentHash> hashes, int maxBlocks, KvCache cache, int row)
    {
        int n = 0;
        lock (_lock)
        {
            while (n < Math.Min(maxBlocks, hashes.Count) && _blocks.TryPeek(hashes[n], out var block))
            {
                cache.WriteBlock(row, (long)n * BlockTokens, block);
                n++;
            }
            for (int j = n - 1; j >= 0; j--) _blocks.Touch(hashes[j]);
        }
        Interlocked.Increment(ref _lookups);
        Interlocked.Add(ref _hitTokens, (long)n * BlockTokens);
        if (n > 0) Interlocked.Increment(ref _hitLookups);
        return n;
    }

    /// <summary>
    /// Keeps copies of the first <paramref name="blocks"/> blocks of row <paramref name="row"/> of
    /// <paramref name="cache"/> (those not cached yet), as many as the budget holds, evicting other sequences' blocks.
    /// </summary>
    public void Store(IReadOnlyList<ContentHash> hashes, int blocks, KvCache cache, int row)
    {
        long blockBytes = cache.BlockBytes(BlockTokens);
        int n = (int)Math.Min(Math.Min(blocks, hashes.Count), _blocks.Budget / blockBytes);
        if (n <= 0) return;
        var chain = new HashSet<ContentHash>(hashes.Take(n));
        lock (_lock)
        {
            for (int j = 0; j < n; j++)
            {
                if (_blocks.Contains(hashes[j])) continue;
                using var scope = NewDisposeScope();
                var block = cache.ReadBlock(row, (long)j * BlockTokens, BlockTokens).DetachFromDisposeScope();
                _blocks.Add(hashes[j], block, chain.Contains);
            }
            for (int j = n - 1; j >= 0; j--) _blocks.Touch(hashes[j]);
        }
    }

    public void Clear()
    {
        lock (_lock) _blocks.Clear();
    }

    public void Dispose()
    {
        lock (_lock) _blocks.Dispose();
    }
}
