using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>Dense GLM-4 MLP: fused <c>gate_up_proj</c> (first half gate), <c>down(up · act(gate))</c>.</summary>
internal sealed class TextMlp : ModelPart
{
    readonly Linear _gateUp, _down;
    readonly long _inter;
    readonly string _act;

    public TextMlp(WeightLoader w, string prefix, TextConfig c)
    {
        _inter = c.IntermediateSize;
        _gateUp = Own(new Linear(w, prefix + ".gate_up_proj", c.HiddenSize, 2 * _inter, bias: false));
        _down = Own(new Linear(w, prefix + ".down_proj", _inter, c.HiddenSize, bias: false));
        _act = c.HiddenAct;
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gu = _gateUp.Forward(x);
        var gate = gu.narrow(-1, 0, _inter);
        var up = gu.narrow(-1, _inter, _inter);
        return _down.Forward(up * ActivationFunctions.Apply(_act, gate)).MoveToOuterDisposeScope();
    }
}
