using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>A decoder layer, dense or mixture-of-experts.</summary>
internal interface IDecoderLayer : IDisposable
{
    Tensor Forward(Tensor x, MultimodalRotary rope, Tensor cos, Tensor sin, Tensor? mask, IKvStore? cache);
}

/// <summary>
/// Dense GLM-4 "sandwich" layer (<c>glm4v</c>): norms on both the input and the output of each sub-layer.
/// <c>post_attention_layernorm</c> is, despite its name, the pre-MLP norm.
/// </summary>
internal sealed class TextDecoderLayer : ModelPart, IDecoderLayer
{
    readonly int _index;
    readonly RmsNorm _inputNorm, _postSelfAttnNorm, _postAttentionNorm, _postMlpNorm;
    readonly TextAttention _attn;
    readonly TextMlp _mlp;

    public TextDecoderLayer(WeightLoader w, string prefix, int index, TextConfig c)
    {
        _index = index;
        _inputNorm = Own(new RmsNorm(w, prefix + ".input_layernorm", c.HiddenSize, c.RmsNormEps));
        _attn = Own(new TextAttention(w, prefix + ".self_attn", c));
        _postSelfAttnNorm = Own(new RmsNorm(w, prefix + ".post_self_attn_layernorm", c.HiddenSize, c.RmsNormEps));
        _postAttentionNorm = Own(new RmsNorm(w, prefix + ".post_attention_layernorm", c.HiddenSize, c.RmsNormEps));
        _mlp = Own(new TextMlp(w, prefix + ".mlp", c));
        _postMlpNorm = Own(new RmsNorm(w, prefix + ".post_mlp_layernorm", c.HiddenSize, c.RmsNormEps));
    }

    public Tensor Forward(Tensor x, MultimodalRotary rope, Tensor cos, Tensor sin, Tensor? mask, IKvStore? cache)
    {
        using var scope = NewDisposeScope();
        var a = _attn.Forward(_inputNorm.Forward(x), rope, cos, sin, mask, cache, _index);
        x = x + _postSelfAttnNorm.Forward(a);
        var m = _mlp.Forward(_postAttentionNorm.Forward(x));
        x = x + _postMlpNorm.Forward(m);
        return x.MoveToOuterDisposeScope();
    }
}
