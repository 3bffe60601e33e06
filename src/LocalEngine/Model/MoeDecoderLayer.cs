using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// GLM-4.5V/4.6V decoder layer (<c>glm4v_moe</c>): plain pre-norm (no sandwich norms), attention with half-split
/// rotary, and a dense SwiGLU MLP below <c>first_k_dense_replace</c>, a mixture of experts above.
/// </summary>
internal sealed class MoeDecoderLayer : ModelPart, IDecoderLayer
{
    readonly int _index;
    readonly RmsNorm _inputNorm, _postAttentionNorm;
    readonly TextAttention _attn;
    readonly SwiGluMlp? _dense;
    readonly MixtureOfExperts? _moe;

    public MoeDecoderLayer(WeightLoader w, string prefix, int index, TextConfig c)
    {
        _index = index;
        _inputNorm = Own(new RmsNorm(w, prefix + ".input_layernorm", c.HiddenSize, c.RmsNormEps));
        _attn = Own(new TextAttention(w, prefix + ".self_attn", c));
        _postAttentionNorm = Own(new RmsNorm(w, prefix + ".post_attention_layernorm", c.HiddenSize, c.RmsNormEps));
        if (index < c.Moe!.FirstKDenseReplace) _dense = Own(new SwiGluMlp(w, prefix + ".mlp", c.HiddenSize, c.IntermediateSize, c.HiddenAct));
        else _moe = Own(new MixtureOfExperts(w, prefix + ".mlp", c));
    }

    public Tensor Forward(Tensor x, MultimodalRotary rope, Tensor cos, Tensor sin, Tensor? mask, IKvStore? cache)
    {
        using var scope = NewDisposeScope();
        x = x + _attn.Forward(_inputNorm.Forward(x), rope, cos, sin, mask, cache, _index);
        var n = _postAttentionNorm.Forward(x);
        x = x + (_dense is not null ? _dense.Forward(n) : _moe!.Forward(n));
        return x.MoveToOuterDisposeScope();
    }
}
