using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>A piece of the model that owns weight tensors (plain classes, not nn.Module: no parameter initialisation).</summary>
internal abstract class ModelPart : IDisposable
{
    readonly List<IDisposable> _owned = [];

    protected T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    /// <summary>Every tensor this part and its sub-parts own (device tests: all must be on the model's device).</summary>
    public IEnumerable<Tensor> OwnedTensors() => _owned.SelectMany(o => o switch
    {
        Tensor t => new[] { t },
        ModelPart p => p.OwnedTensors(),
        _ => Enumerable.Empty<Tensor>(),
    });

    public virtual void Dispose()
    {
        foreach (var o in _owned) o.Dispose();
        _owned.Clear();
    }
}

internal sealed class Linear : ModelPart
{
    public Linear(WeightLoader w, string prefix, long inFeatures, long outFeatures, bool bias)
    {
        Weight = Own(w.Take(prefix + ".weight", [outFeatures, inFeatures]));
        Bias = bias ? Own(w.Take(prefix + ".bias", [outFeatures])) : null;
    }

    public Tensor Weight { get; }
    public Tensor? Bias { get; }
    public Tensor Forward(Tensor x) => nn.functional.linear(x, Weight, Bias);
}

/// <summary>RMSNorm as GLM computes it: normalise in fp32, cast back to the input dtype, then scale in that dtype.</summary>
internal sealed class RmsNorm : ModelPart
{
    readonly double _eps;

    public RmsNorm(WeightLoader w, string prefix, long dim, double eps)
    {
        Weight = Own(w.Take(prefix + ".weight", [dim]));
        _eps = eps;
    }

    public Tensor Weight { get; }

    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var xf = x.dtype == ScalarType.Float32 ? x : x.to(ScalarType.Float32);
        var y = xf * rsqrt(xf.square().mean([-1], keepdim: true) + _eps);
        if (y.dtype != x.dtype) y = y.to(x.dtype);
        return (y * Weight).MoveToOuterDisposeScope();
    }
}

/// <summary><c>down(act(gate(x)) · up(x))</c> with separate gate/up projections and no biases.</summary>
internal sealed class SwiGluMlp : ModelPart
{
    readonly Linear _gate, _up, _down;
    readonly string _act;

    public SwiGluMlp(WeightLoader w, string prefix, long dim, long hidden, string act)
    {
        _gate = Own(new Linear(w, prefix + ".gate_proj", dim, hidden, bias: false));
        _up = Own(new Linear(w, prefix + ".up_proj", dim, hidden, bias: false));
        _down = Own(new Linear(w, prefix + ".down_proj", hidden, dim, bias: false));
        _act = act;
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return _down.Forward(ActivationFunctions.Apply(_act, _gate.Forward(x)) * _up.Forward(x)).MoveToOuterDisposeScope();
    }
}
