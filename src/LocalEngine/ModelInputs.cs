using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>
/// Everything the model consumes for one batch: left-padded token ids with placeholders already expanded, the mask,
/// and the preprocessed pixel rows with their grids. Owns its pixel tensors.
/// </summary>
public sealed class ModelInputs : IDisposable
{
    public ModelInputs(long[,] inputIds, long[,]? attentionMask = null,
        Tensor? pixelValues = null, IReadOnlyList<GridThw>? imageGrids = null,
        Tensor? pixelValuesVideos = null, IReadOnlyList<GridThw>? videoGrids = null)
    {
        InputIds = inputIds;
        int b = inputIds.GetLength(0), l = inputIds.GetLength(1);
        if (b == 0 || l == 0) throw new InvalidModelInputException("The prompt is empty.");
        if (attentionMask is null)
        {
            attentionMask = new long[b, l];
            for (int i = 0; i < b; i++) for (int j = 0; j < l; j++) attentionMask[i, j] = 1;
        }
        AttentionMask = attentionMask;
        PixelValues = pixelValues?.DetachFromDisposeScope();
        ImageGrids = imageGrids ?? [];
        PixelValuesVideos = pixelValuesVideos?.DetachFromDisposeScope();
        VideoGrids = videoGrids ?? [];
        if ((PixelValues is null) != (ImageGrids.Count == 0))
            throw new InvalidModelInputException("pixel_values and image grids must be given together.");
        if ((PixelValuesVideos is null) != (VideoGrids.Count == 0))
            throw new InvalidModelInputException("pixel_values_videos and video grids must be given together.");
    }

    /// <summary>[B, L] token ids, left padded.</summary>
    public long[,] InputIds { get; }
    /// <summary>[B, L]: 1 for real tokens, 0 for padding.</summary>
    public long[,] AttentionMask { get; }
    /// <summary>[Σ patches, 1176] fp32 rows of every image, in prompt order (row-major over the batch).</summary>
    public Tensor? PixelValues { get; }
    public IReadOnlyList<GridThw> ImageGrids { get; }
    public Tensor? PixelValuesVideos { get; }
    public IReadOnlyList<GridThw> VideoGrids { get; }
    public int BatchSize => InputIds.GetLength(0);
    /// <summary>When the processor prepared these inputs (telemetry: the request starts there).</summary>
    internal Telemetry.PrepareTiming? Prepared { get; set; }
    public int Length => InputIds.GetLength(1);

    /// <summary>Left-pads token sequences of different lengths into one batch.</summary>
    public static ModelInputs FromTokens(IReadOnlyList<IReadOnlyList<int>> sequences, int padTokenId,
        Tensor? pixelValues = null, IReadOnlyList<GridThw>? imageGrids = null,
        Tensor? pixelValuesVideos = null, IReadOnlyList<GridThw>? videoGrids = null)
    {
        if (sequences.Count == 0) throw new InvalidModelInputException("No sequences were given.");
        int l = sequences.Max(s => s.Count);
        var ids = new long[sequences.Count, l];
        var mask = new long[sequences.Count, l];
        for (int i = 0; i < sequences.Count; i++)
        {
            int pad = l - sequences[i].Count;
            for (int j = 0; j < l; j++)
            {
                ids[i, j] = j < pad ? padTokenId : sequences[i][j - pad];
                mask[i, j] = j < pad ? 0 : 1;
            }
        }
        return new ModelInputs(ids, mask, pixelValues, imageGrids, pixelValuesVideos, videoGrids);
    }

    public void Dispose()
    {
        PixelValues?.Dispose();
        PixelValuesVideos?.Dispose();
    }
}
