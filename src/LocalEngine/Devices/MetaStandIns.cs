using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Devices;

/// <summary>
/// Shape-only stand-ins for the ops libtorch 2.10 has no meta kernel for (their C++ math paths call <c>where</c> and
/// <c>native_batch_norm</c>), used only when the input is on the meta device (the device-hygiene tests): each checks
/// what the real kernel checks on a device (one device for all inputs) and computes the same shapes.
/// </summary>
internal static class MetaStandIns
{
    public static bool Applies(Tensor x) => x.device_type == DeviceType.META;

    /// <summary>Scaled dot-product attention over [B, H, Lq, D] × [B, H, Lk, D] with an optional additive mask.</summary>
    public static Tensor Attention(Tensor q, Tensor k, Tensor v, Tensor? mask)
    {
        SameDevice(q, ("key", k), ("value", v), ("mask", mask));
        var scores = q.matmul(k.transpose(-2, -1));
        if (mask is not null) scores = scores + mask;
        return scores.softmax(-1).matmul(v);
    }

    /// <summary>Layer norm over the last dimension.</summary>
    public static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, double eps)
    {
        SameDevice(x, ("weight", weight), ("bias", bias));
        var centred = x - x.mean([-1], keepdim: true);
        return centred * rsqrt(centred.square().mean([-1], keepdim: true) + eps) * weight + bias;
    }

    static void SameDevice(Tensor first, params (string Name, Tensor? Tensor)[] others)
    {
        foreach (var (name, t) in others)
            if (t is not null && !t.device.IsSame(first.device))
                throw new InvalidOperationException($"Expected all tensors to be on the same device, but the {name} is on {t.device} and the input on {first.device}.");
    }
}
