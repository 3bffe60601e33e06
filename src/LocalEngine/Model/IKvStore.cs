using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>Where a forward's keys and values go and what its queries attend over: one cache, or one per sequence of a batch.</summary>
internal interface IKvStore
{
    /// <summary>Stores k/v ([B, Hkv, Lq, D], post-rotary) of <paramref name="layer"/> and returns the attention output [B, Lq, Hq·D].</summary>
    Tensor Attend(int layer, Tensor q, Tensor k, Tensor v, Tensor? mask, double scale);

    /// <summary>Called once per forward, after every layer has stored its keys and values.</summary>
    void Advance(long tokens);
}
