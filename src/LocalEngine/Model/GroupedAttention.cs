using Glm4vSK.LocalEngine.Devices;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// Scaled dot-product attention with grouped-query heads and no K/V copies: the query heads of each KV head are folded
/// into the query length (<c>[B, Hkv, G·Lq, D]</c>) and one fused SDPA call runs per layer. Scale is head_dim^−0.5
/// (SDPA's default, which every GLM-4V attention uses). Matches transformers' eager path to fp32 rounding.
/// </summary>
internal static class GroupedAttention
{
    /// <param name="q">[B, Hq, Lq, D]</param>
    /// <param name="k">[B, Hkv, Lk, D]</param>
    /// <param name="v">[B, Hkv, Lk, D]</param>
    /// <param name="additiveMask">null or [B, 1, Lq, Lk] (0 where allowed, a large negative value elsewhere)</param>
    /// <returns>[B, Lq, Hq·D]</returns>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, Tensor? additiveMask, double scale)
    {
        using var scope = NewDisposeScope();
        long b = q.shape[0], hq = q.shape[1], lq = q.shape[2], d = q.shape[3];
        long hkv = k.shape[1], groups = hq / hkv, lk = k.shape[2];
        if (Math.Abs(scale - 1.0 / Math.Sqrt(d)) > 1e-12) q = q * (scale * Math.Sqrt(d)); // SDPA applies d^-0.5 itself
        var qf = q.reshape(b, hkv, groups * lq, d);
        Tensor? mask = null;
        if (additiveMask is not null)
        {
            mask = additiveMask.expand(b, 1, lq, lk);
            if (groups > 1) mask = mask.unsqueeze(2).expand(b, 1, groups, lq, lk).reshape(b, 1, groups * lq, lk);
        }
        var o = MetaStandIns.Applies(qf)
            ? MetaStandIns.Attention(qf, k, v, mask)
            : nn.functional.scaled_dot_product_attention(qf, k, v, mask);     // [B, Hkv, G·Lq, D]
        return o.view(b, hq, lq, d).transpose(1, 2).reshape(b, lq, hq * d).MoveToOuterDisposeScope();
    }

}
