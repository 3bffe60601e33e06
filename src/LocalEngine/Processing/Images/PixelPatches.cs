using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Preprocessed images or videos: float32 patch rows [Σ T·H·W, 3·T·14·14] in 2×2-merge-block order, and one grid per
/// image or video. Owns <see cref="PixelValues"/>.
/// </summary>
public sealed class PixelPatches : IDisposable
{
    public PixelPatches(Tensor pixelValues, IReadOnlyList<GridThw> grids)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        ArgumentNullException.ThrowIfNull(grids);
        long rows = grids.Sum(g => (long)g.PatchCount);
        if (pixelValues.dim() != 2 || pixelValues.shape[0] != rows)
            throw new ArgumentException($"pixel rows [{string.Join(", ", pixelValues.shape)}] do not match the grids' {rows} patches.", nameof(pixelValues));
        PixelValues = pixelValues;
        Grids = grids;
    }

    /// <summary>[Σ T·H·W, 1176] float32 (<c>pixel_values</c> / <c>pixel_values_videos</c>).</summary>
    public Tensor PixelValues { get; }
    /// <summary>One (T, H, W) per image or video, in order (<c>image_grid_thw</c> / <c>video_grid_thw</c>).</summary>
    public IReadOnlyList<GridThw> Grids { get; }
    /// <summary>The grid of a single image or video.</summary>
    public GridThw Grid => Grids.Count == 1 ? Grids[0] : throw new InvalidOperationException($"{Grids.Count} grids, not one.");

    /// <summary>Rows and grids of several items, in order (a new tensor; the parts stay owned by the caller).</summary>
    public static PixelPatches Concat(IReadOnlyList<PixelPatches> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("nothing to concatenate.", nameof(parts));
        using var scope = NewDisposeScope();
        var rows = parts.Count == 1 ? parts[0].PixelValues.clone() : cat(parts.Select(p => p.PixelValues).ToArray(), 0);
        return new PixelPatches(rows.MoveToOuterDisposeScope(), parts.SelectMany(p => p.Grids).ToList());
    }

    public void Dispose() => PixelValues.Dispose();
}
