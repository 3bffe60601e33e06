using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// The learned absolute position table (<c>embeddings.position_embedding</c>, S×S rows), resampled to each image's
/// own patch grid with bicubic <c>grid_sample</c> (Keys a = −0.75, border padding, align_corners = false) in fp32.
/// TorchSharp's grid_sample has no bicubic mode (it silently runs bilinear), so the 16 taps are gathered here.
/// </summary>
internal sealed class VisionPositionEmbedding : ModelPart
{
    const double A = -0.75;
    readonly int _side;

    public VisionPositionEmbedding(WeightLoader w, string prefix, VisionConfig c)
    {
        _side = c.PositionGridSide;
        Table = Own(w.Take(prefix + ".weight", [(long)_side * _side, c.HiddenSize]));
    }

    public Tensor Table { get; }

    /// <param name="hPos">[N] patch row of each patch (float32)</param>
    /// <param name="wPos">[N] patch column</param>
    /// <param name="gridH">[N] the patch-grid height of the image the patch belongs to</param>
    /// <param name="gridW">[N] its width</param>
    /// <returns>[N, Hv] in fp32</returns>
    public Tensor Resample(Tensor hPos, Tensor wPos, Tensor gridH, Tensor gridW)
    {
        using var scope = NewDisposeScope();
        var table = Table.to(ScalarType.Float32);
        int s = _side;
        // Same float32 operation order as transformers + aten: normalised grid, then unnormalised source coordinate.
        var gx = (wPos + 0.5f) / gridW * 2 - 1;
        var gy = (hPos + 0.5f) / gridH * 2 - 1;
        var ix = ((gx + 1) * s - 1) / 2;
        var iy = ((gy + 1) * s - 1) / 2;
        var x0 = ix.floor();
        var y0 = iy.floor();
        var wx = CubicWeights(ix - x0);
        var wy = CubicWeights(iy - y0);
        var x0l = x0.to(ScalarType.Int64);
        var y0l = y0.to(ScalarType.Int64);
        Tensor? result = null;
        for (int j = 0; j < 4; j++)
        {
            var yy = (y0l + (j - 1)).clamp(0, s - 1);
            Tensor? row = null;
            for (int i = 0; i < 4; i++)
            {
                var xx = (x0l + (i - 1)).clamp(0, s - 1);
                var v = table[yy * s + xx] * wx[i].unsqueeze(1);   // indexing, not index_select: meta has no index_select kernel
                row = row is null ? v : row + v;
            }
            var contrib = row! * wy[j].unsqueeze(1);
            result = result is null ? contrib : result + contrib;
        }
        return result!.MoveToOuterDisposeScope();
    }

    /// <summary>Weights of taps −1, 0, +1, +2 for fraction t, computed as aten's get_cubic_upsample_coefficients does.</summary>
    static Tensor[] CubicWeights(Tensor t)
    {
        static Tensor Conv1(Tensor x) => ((A + 2) * x - (A + 3)) * x * x + 1;
        static Tensor Conv2(Tensor x) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
        var x2 = 1 - t;
        return [Conv2(t + 1), Conv1(t), Conv1(x2), Conv2(x2 + 1)];
    }
}
