using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// Preallocated key/value cache, [B, kv_heads, capacity, head_dim] per layer, holding post-rotary keys. Each forward
/// writes its new positions in place and attends over the filled prefix; nothing is reallocated per step.
/// </summary>
internal sealed class KvCache : IDisposable
{
    readonly Tensor[] _keys, _values;

    public KvCache(int layers, long batch, long kvHeads, long capacity, long headDim, ScalarType dtype, Device device)
    {
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        for (int i = 0; i < layers; i++)
        {
            _keys[i] = zeros([batch, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
            _values[i] = zeros([batch, kvHeads, capacity, headDim], dtype, device).DetachFromDisposeScope();
        }
        Capacity = capacity;
    }

    public long Capacity { get; }
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

    /// <summary>Called once per forward, after every layer has appended.</summary>
    public void Advance(long tokens) => Length += tokens;

    public void Dispose()
    {
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
