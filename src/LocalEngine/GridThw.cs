namespace Glm4vSK.LocalEngine;

/// <summary>
/// The patch grid of one image or video: T temporal patches (frame pairs), H × W patches of 14 px.
/// It produces T·H·W patch rows and T·H·W/4 placeholder tokens (2×2 merge).
/// </summary>
public readonly record struct GridThw(int T, int H, int W)
{
    public int PatchCount => T * H * W;
    public int TokenCount(int mergeSize = 2) => T * H * W / (mergeSize * mergeSize);
    public override string ToString() => $"[{T}, {H}, {W}]";

    /// <summary>(T, H, W) as the three values of an <c>image_grid_thw</c> / <c>video_grid_thw</c> row.</summary>
    public long[] ToArray() => [T, H, W];

    /// <summary>
    /// The grid of <paramref name="frames"/> frames resized to <paramref name="height"/> × <paramref name="width"/>:
    /// (⌈frames / temporalPatchSize⌉, height / patchSize, width / patchSize). An image counts as temporalPatchSize frames.
    /// </summary>
    public static GridThw FromResized(int frames, int height, int width, int patchSize = 14, int temporalPatchSize = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temporalPatchSize);
        if (height <= 0 || width <= 0 || height % patchSize != 0 || width % patchSize != 0)
            throw new ArgumentException($"{width}x{height} is not a positive multiple of the patch size {patchSize}.");
        return new GridThw((frames + temporalPatchSize - 1) / temporalPatchSize, height / patchSize, width / patchSize);
    }
}
