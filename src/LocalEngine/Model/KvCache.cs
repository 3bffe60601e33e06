using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// Preallocated key/value cache, [B, kv_heads, capacity, head_dim] per layer, holding post-rotary keys. Each forward
/// writes its new positions in place and attends over the filled prefix; nothing is reallocated per step.
/// </summary>
internal sealed class KvCache : IKvStore, IDisposable
{
    readonly Tensor[] _keys, _values;

    readonly long _kvHeads, _headDim;
    static long s_live;
    int _disposed;

    /// <summary>Caches allocated and not yet disposed, process-wide (memory tests: a request that leaves must free its cache).</summary>
    public static long Live => Interlocked.Read(ref s_live);

    public KvCache(int layers, long batch, long kvHeads, long capacity, long headDim, ScalarType dtype, Device device)
    {
        _kvHeads = kvHeads;
        _headDim = headDim;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            _keys[i] = zeros([batch, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
            _values[i] = zeros([batch, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
        }
        Capacity = capacity;
        Interlocked.Increment(ref s_live);
    }

    public long Capacity { get; }
    /// <summary>Every layer's key and value tensors (device tests).</summary>
    internal IEnumerable<Tensor> Tensors => _keys.Concat(_values);
    /// <summary>Whether its memory has been released.</summary>
    public bool IsDisposed => _keys.Length > 0 && _keys[0].IsInvalid;
    /// <summary>Positions already filled (the same for every layer between forwards).</summary>
    public long Length { get; private set; }

    /// <summary>Writes k/v ([B, Hkv, Lq, D]) at <see cref="Length"/> and returns views over everything filled so far.</summary>
    public (Tensor K, Tensor V) Append(int layer, Tensor k, Tensor v)
    {
        long lq = k.shape[2];
        if (Length + lq > Capacity)
            throw new InvalidOperationException($"KV cache overflow: {Length} + {lq} > capacity {Capacity}.");
        _keys[layer].narrow(2, Length, lq).copy_(k);
        _values[layer].narrow(2, Length, lq).copy_(v);
        return (_keys[layer].narrow(2, 0, Length + lq), _values[layer].narrow(2, 0, Length + lq));
    }

    /// <summary>Appends k/v and attends <paramref name="q"/> over everything filled so far: [B, Lq, Hq·D].</summary>
    public Tensor Attend(int layer, Tensor q, Tensor k, Tensor v, Tensor? mask, double scale)
    {
        var (keys, values) = Append(layer, k, v);
        return GroupedAttention.Forward(q, keys, values, mask, scale);
    }

    /// <summary>Called once per forward, after every layer has appended (or after <see cref="WriteBlock"/> filled a reused prefix).</summary>
    public void Advance(long tokens) => Length += tokens;

    /// <summary>Bytes of one <see cref="ReadBlock"/> of <paramref name="tokens"/> positions.</summary>
    public long BlockBytes(long tokens) => 2L * _keys.Length * _kvHeads * tokens * _headDim * _keys[0].ElementSize;

    /// <summary>
    /// A copy of positions [start, start + count) of one row, every layer: [2·layers, kv_heads, count, head_dim]
    /// (keys of layer i at 2i, values at 2i + 1), in the caller's dispose scope.
    /// </summary>
    public Tensor ReadBlock(int row, long start, long count)
    {
        var parts = new List<Tensor>(2 * _keys.Length);
        using (var scope = NewDisposeScope())
        {
            for (int i = 0; i < _keys.Length; i++)
            {
                parts.Add(_keys[i].select(0, row).narrow(1, start, count));
                parts.Add(_values[i].select(0, row).narrow(1, start, count));
            }
            return stack(parts).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Writes a <see cref="ReadBlock"/> copy into one row from <paramref name="start"/> on.</summary>
    public void WriteBlock(int row, long start, Tensor block)
    {
        using var scope = NewDisposeScope();
        long count = block.shape[2];
        if (start + count > Capacity)
            throw new InvalidOperationException($"KV cache overflow: block at {start} + {count} > capacity {Capacity}.");
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i].select(0, row).narrow(1, start, count).copy_(block[2 * i]);
            _values[i].select(0, row).narrow(1, start, count).copy_(block[2 * i + 1]);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref s_live);
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
