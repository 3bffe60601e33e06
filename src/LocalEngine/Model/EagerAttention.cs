using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// Attention as the transformers eager path computes it: scores in the compute dtype, softmax in fp32, then · V.
/// Grouped-query attention without copying K/V: query heads are folded onto their KV head.
/// </summary>
internal static class EagerAttention
{
    /// <param name="q">[B, Hq, Lq, D]</param>
    /// <param name="k">[B, Hkv, Lk, D]</param>
    /// <param name="v">[B, Hkv, Lk, D]</param>
    /// <param name="additiveMask">null or broadcastable to [B, 1, Lq, Lk] (0 where allowed, a large negative value elsewhere)</param>
    /// <returns>[B, Lq, Hq·D]</returns>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, Tensor? additiveMask, double scale)
    {
        using var scope = NewDisposeScope();
        long b = q.shape[0], hq = q.shape[1], lq = q.shape[2], d = q.shape[3];
        long hkv = k.shape[1], groups = hq / hkv;
        // [B, Hkv, G, Lq, D] against [B, Hkv, 1, Lk, D]: broadcasting shares K/V between the heads of a group.
        var qg = q.view(b, hkv, groups, lq, d);
        var kg = k.unsqueeze(2);
        var vg = v.unsqueeze(2);
        var scores = matmul(qg, kg.transpose(-1, -2)) * scale;
        if (additiveMask is not null) scores = scores + additiveMask.unsqueeze(1);
        var probs = scores.softmax(-1, ScalarType.Float32).to(q.dtype);
        var o = matmul(probs, vg);                              // [B, Hkv, G, Lq, D]
        return o.view(b, hq, lq, d).transpose(1, 2).reshape(b, lq, hq * d).MoveToOuterDisposeScope();
    }
}
