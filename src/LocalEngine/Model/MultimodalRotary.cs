using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// M-RoPE of the text decoder. Angles for the (t, h, w) position streams are computed in fp32; frequency slot j takes
/// its angle from stream <c>i % 3</c>, i the index of the <c>mrope_section</c> chunk holding j. cos/sin are cast to
/// the compute dtype, and only the first <c>rotary_dim</c> channels of q and k rotate, as adjacent pairs (glm4v) or
/// halves (glm4v_moe).
/// </summary>
internal sealed class MultimodalRotary : ModelPart
{
    readonly TextConfig _c;
    readonly Tensor _invFreq;            // [rotary/2] fp32
    readonly Tensor _streamOfSlot;       // [rotary/2] int64: 0 = t, 1 = h, 2 = w

    public MultimodalRotary(TextConfig c, Device device)
    {
        _c = c;
        int rot = c.RotaryDim;
        using var scope = NewDisposeScope();
        _invFreq = Own((1.0f / pow((float)c.RopeTheta, arange(0, rot, 2, ScalarType.Int64).to(ScalarType.Float32) / rot)).to(device).DetachFromDisposeScope());
        var streams = new long[rot / 2];
        int j = 0;
        for (int i = 0; i < c.MropeSection.Count; i++)
            for (int k = 0; k < c.MropeSection[i]; k++) streams[j++] = i % 3;
        _streamOfSlot = Own(tensor(streams).to(device).DetachFromDisposeScope());
    }

    /// <param name="positions">[3, B, L] int64</param>
    /// <returns>(cos, sin), each [B, 1, L, rotary_dim] in <paramref name="dtype"/>, laid out for the model's rotary layout</returns>
    public (Tensor Cos, Tensor Sin) CosSin(Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * _invFreq;         // [3, B, L, rot/2]
        long b = positions.shape[1], l = positions.shape[2], half = _invFreq.shape[0];
        var index = _streamOfSlot.view(1, 1, 1, half).expand(1, b, l, half);
        var phi = angles.gather(0, index).squeeze(0);                                    // [B, L, rot/2]
        Tensor emb = _c.RotaryLayout == RotaryLayout.Interleaved
            ? phi.repeat_interleave(2, -1)
            : cat([phi, phi], -1);
        var cos = emb.cos().to(dtype).unsqueeze(1);
        var sin = emb.sin().to(dtype).unsqueeze(1);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <param name="x">[B, H, L, D]</param>
    public Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long rot = cos.shape[^1], d = x.shape[^1];
        var xr = rot == d ? x : x.narrow(-1, 0, rot);
        Tensor rotated;
        if (_c.RotaryLayout == RotaryLayout.Interleaved)
        {
            // rotate(x)[2j] = −x[2j+1], rotate(x)[2j+1] = x[2j]
            var pairs = xr.reshape([.. xr.shape[..^1], rot / 2, 2]);
            rotated = stack([-pairs.select(-1, 1), pairs.select(-1, 0)], -1).flatten(-2);
        }
        else
        {
            long h = rot / 2;
            rotated = cat([-xr.narrow(-1, h, h), xr.narrow(-1, 0, h)], -1);
        }
        var y = xr * cos + rotated * sin;
        if (rot != d) y = cat([y, x.narrow(-1, rot, d - rot)], -1);
        return y.MoveToOuterDisposeScope();
    }
}
