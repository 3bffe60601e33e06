using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>GQA self-attention of the text decoder: q/k/v projections (bias per config), M-RoPE, KV cache, o_proj.</summary>
internal sealed class TextAttention : ModelPart
{
    readonly Linear _q, _k, _v, _o;
    readonly int _heads, _kvHeads, _headDim;
    readonly double _scale;

    public TextAttention(WeightLoader w, string prefix, TextConfig c)
    {
        _heads = c.NumAttentionHeads;
        _kvHeads = c.NumKeyValueHeads;
        _headDim = c.HeadDim;
        _q = Own(new Linear(w, prefix + ".q_proj", c.HiddenSize, (long)_heads * _headDim, c.AttentionBias));
        _k = Own(new Linear(w, prefix + ".k_proj", c.HiddenSize, (long)_kvHeads * _headDim, c.AttentionBias));
        _v = Own(new Linear(w, prefix + ".v_proj", c.HiddenSize, (long)_kvHeads * _headDim, c.AttentionBias));
        _o = Own(new Linear(w, prefix + ".o_proj", (long)_heads * _headDim, c.HiddenSize, bias: false));
        _scale = 1.0 / Math.Sqrt(_headDim);
    }

    public Tensor Forward(Tensor x, MultimodalRotary rope, Tensor cos, Tensor sin, Tensor? mask, IKvStore? cache, int layer)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], l = x.shape[1];
        var q = _q.Forward(x).view(b, l, _heads, _headDim).transpose(1, 2);
        var k = _k.Forward(x).view(b, l, _kvHeads, _headDim).transpose(1, 2);
        var v = _v.Forward(x).view(b, l, _kvHeads, _headDim).transpose(1, 2);
        q = rope.Apply(q, cos, sin);
        k = rope.Apply(k, cos, sin);
        var o = cache is not null ? cache.Attend(layer, q, k, v, mask, _scale) : GroupedAttention.Forward(q, k, v, mask, _scale);
        return _o.Forward(o).MoveToOuterDisposeScope();
    }
}
