using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>One ViT block: <c>x += proj(attn(norm1(x)))</c>, <c>x += mlp(norm2(x))</c>; attention stays inside each frame.</summary>
internal sealed class VisionBlock : ModelPart
{
    readonly RmsNorm _norm1, _norm2;
    readonly Linear _qkv, _proj;
    readonly SwiGluMlp _mlp;
    readonly int _heads, _headDim;

    public VisionBlock(WeightLoader w, string prefix, VisionConfig c)
    {
        _norm1 = Own(new RmsNorm(w, prefix + ".norm1", c.HiddenSize, c.RmsNormEps));
        _norm2 = Own(new RmsNorm(w, prefix + ".norm2", c.HiddenSize, c.RmsNormEps));
        _qkv = Own(new Linear(w, prefix + ".attn.qkv", c.HiddenSize, 3L * c.HiddenSize, c.AttentionBias));
        _proj = Own(new Linear(w, prefix + ".attn.proj", c.HiddenSize, c.HiddenSize, bias: false));
        _mlp = Own(new SwiGluMlp(w, prefix + ".mlp", c.HiddenSize, c.OutHiddenSize, c.HiddenAct));
        _heads = c.NumHeads;
        _headDim = c.HeadDim;
    }

    /// <param name="x">[N, Hv]</param>
    /// <param name="segments">lengths of the frames, in row order (each attends only to itself)</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, IReadOnlyList<long> segments)
    {
        using var scope = NewDisposeScope();
        x = x + _proj.Forward(Attention(_norm1.Forward(x), cos, sin, segments));
        x = x + _mlp.Forward(_norm2.Forward(x));
        return x.MoveToOuterDisposeScope();
    }

    Tensor Attention(Tensor x, Tensor cos, Tensor sin, IReadOnlyList<long> segments)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        var qkv = _qkv.Forward(x).view(n, 3, _heads, _headDim);
        var q = VisionRotary.Apply(qkv.select(1, 0), cos, sin);     // [N, heads, d]
        var k = VisionRotary.Apply(qkv.select(1, 1), cos, sin);
        var v = qkv.select(1, 2);
        double scale = 1.0 / Math.Sqrt(_headDim);
        var outputs = new List<Tensor>(segments.Count);
        long start = 0;
        foreach (long len in segments)
        {
            var qs = q.narrow(0, start, len).transpose(0, 1).unsqueeze(0);   // [1, heads, len, d]
            var ks = k.narrow(0, start, len).transpose(0, 1).unsqueeze(0);
            var vs = v.narrow(0, start, len).transpose(0, 1).unsqueeze(0);
            outputs.Add(GroupedAttention.Forward(qs, ks, vs, null, scale).squeeze(0)); // [len, heads·d]
            start += len;
        }
        var o = outputs.Count == 1 ? outputs[0] : cat(outputs, 0);
        return o.MoveToOuterDisposeScope();
    }
}
