using Glm4vSK.LocalEngine.Devices;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>Merger: <c>proj</c> → LayerNorm → exact (erf) GELU → SwiGLU of width vision <c>intermediate_size</c>.</summary>
internal sealed class VisionPatchMerger : ModelPart
{
    readonly Linear _proj;
    readonly Tensor _normWeight, _normBias;
    readonly SwiGluMlp _mlp;
    readonly long _dim;

    public VisionPatchMerger(WeightLoader w, string prefix, VisionConfig c)
    {
        _dim = c.OutHiddenSize;
        _proj = Own(new Linear(w, prefix + ".proj", _dim, _dim, bias: false));
        _normWeight = Own(w.Take(prefix + ".post_projection_norm.weight", [_dim]));
        _normBias = Own(w.Take(prefix + ".post_projection_norm.bias", [_dim]));
        _mlp = Own(new SwiGluMlp(w, prefix, _dim, c.IntermediateSize, c.HiddenAct));
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = _proj.Forward(x);
        h = MetaStandIns.Applies(h)
            ? MetaStandIns.LayerNorm(h, _normWeight, _normBias, 1e-5)
            : nn.functional.layer_norm(h, [_dim], _normWeight, _normBias, 1e-5);
        h = nn.functional.gelu(h);
        return _mlp.Forward(h).MoveToOuterDisposeScope();
    }
}
