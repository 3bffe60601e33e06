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
}
