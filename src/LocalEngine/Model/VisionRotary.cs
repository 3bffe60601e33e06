using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// 2-D rotary of the vision tower: for head dim d, frequencies <c>1/10000^(arange(0, d/2, 2)/(d/2))</c>; each patch's
/// angles are [h·inv, w·inv], duplicated to d values; q/k rotate by halves in fp32.
/// </summary>
internal static class VisionRotary
{
    /// <returns>(cos, sin), each [N, d] fp32</returns>
    public static (Tensor Cos, Tensor Sin) CosSin(Tensor hPos, Tensor wPos, int headDim, Device device)
    {
        using var scope = NewDisposeScope();
        int dim = headDim / 2;
        var invFreq = 1.0f / pow(10000.0f, arange(0, dim, 2, ScalarType.Float32, device) / dim);
        var fh = hPos.unsqueeze(1) * invFreq;        // [N, d/4]
        var fw = wPos.unsqueeze(1) * invFreq;
        var half = cat([fh, fw], 1);                 // [N, d/2]
        var emb = cat([half, half], 1);              // [N, d]
        return (emb.cos().MoveToOuterDisposeScope(), emb.sin().MoveToOuterDisposeScope());
    }

    /// <param name="x">[N, heads, d]</param>
    /// <param name="cos">[N, d] fp32</param>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var xf = x.to(ScalarType.Float32);
        var c = cos.unsqueeze(1);
        var s = sin.unsqueeze(1);
        long half = x.shape[^1] / 2;
        var rotated = cat([-xf.narrow(-1, half, half), xf.narrow(-1, 0, half)], -1);
        return (xf * c + rotated * s).to(x.dtype).MoveToOuterDisposeScope();
    }
}
