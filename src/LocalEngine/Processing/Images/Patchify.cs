using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Cuts frames into patch rows: rows ordered (temporal group, block row, block column, row in block, column in block)
/// over merge × merge blocks; each row laid out [C][T][patch][patch].
/// </summary>
internal static class Patchify
{
    /// <param name="frames">float [F, C, H, W] with F a multiple of <paramref name="temporalPatch"/> and H, W multiples of patch × merge.</param>
    public static Tensor Rows(Tensor frames, int patch, int temporalPatch, int merge)
    {
        long f = frames.shape[0], c = frames.shape[1], h = frames.shape[2], w = frames.shape[3];
        long gt = f / temporalPatch, gh = h / patch, gw = w / patch;
        using var scope = NewDisposeScope();
        var x = frames.reshape(gt, temporalPatch, c, gh / merge, merge, patch, gw / merge, merge, patch);
        // → (gt, block row, block col, row in block, col in block, C, T, py, px)
        x = x.permute(0, 3, 6, 4, 7, 2, 1, 5, 8);
        return x.reshape(gt * gh * gw, c * temporalPatch * patch * patch).MoveToOuterDisposeScope();
    }
}
