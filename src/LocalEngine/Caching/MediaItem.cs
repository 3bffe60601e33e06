using System.Buffers.Binary;
using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Caching;

/// <summary>
/// One image or video of a prompt: its pixel rows, its grid, the placeholder positions it fills (row-major over the
/// batch) and, once computed, the content hash that keys its vision features and the prefix blocks it covers.
/// </summary>
internal sealed class MediaItem
{
    public required TokenKind Kind { get; init; }
    public required GridThw Grid { get; init; }
    /// <summary>First pixel row in <c>pixel_values</c> (or <c>pixel_values_videos</c>).</summary>
    public required long PixelOffset { get; init; }
    /// <summary>Placeholder tokens (= rows of vision features).</summary>
    public required int Tokens { get; init; }
    public int Row { get; set; }
    /// <summary>Position of its first placeholder in <see cref="Row"/>.</summary>
    public int First { get; set; } = -1;
    /// <summary>One past the position of its last placeholder (timestamps between video frames lie inside).</summary>
    public int End { get; set; }
    public ContentHash Hash { get; private set; }

    public long PixelRows => Grid.PatchCount;

    /// <summary>
    /// The items of a prompt, in prompt order, with their placeholder spans. The prompt was checked by
    /// <see cref="RopeIndex.Compute"/>, so the spans and the grids agree.
    /// </summary>
    public static (IReadOnlyList<MediaItem> Images, IReadOnlyList<MediaItem> Videos) Of(ModelInputs inputs, TokenKind[,] kinds, int merge)
    {
        var images = Items(inputs.ImageGrids, TokenKind.Image, merge);
        var videos = Items(inputs.VideoGrids, TokenKind.Video, merge);
        int imageAt = 0, videoAt = 0, imageSeen = 0, videoSeen = 0;
        for (int row = 0; row < kinds.GetLength(0); row++)
            for (int j = 0; j < kinds.GetLength(1); j++)
            {
                if (kinds[row, j] == TokenKind.Image) Place(images, ref imageAt, ref imageSeen, row, j);
                else if (kinds[row, j] == TokenKind.Video) Place(videos, ref videoAt, ref videoSeen, row, j);
            }
        return (images, videos);
    }

    static List<MediaItem> Items(IReadOnlyList<GridThw> grids, TokenKind kind, int merge)
    {
        var items = new List<MediaItem>(grids.Count);
        long offset = 0;
        foreach (var g in grids)
        {
            items.Add(new MediaItem { Kind = kind, Grid = g, PixelOffset = offset, Tokens = g.TokenCount(merge) });
            offset += g.PatchCount;
        }
        return items;
    }

    static void Place(List<MediaItem> items, ref int at, ref int seen, int row, int position)
    {
        if (at >= items.Count) return; // RopeIndex has already refused a prompt like this
        var item = items[at];
        if (seen == 0) { item.Row = row; item.First = position; }
        item.End = position + 1;
        if (++seen == item.Tokens) { at++; seen = 0; }
    }

    /// <summary>SHA-256 over the kind, the grid, the dtype and the bytes of the item's pixel rows.</summary>
    public void ComputeHash(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var rows = pixels.narrow(0, PixelOffset, PixelRows).cpu().contiguous();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[5 * sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(header, (long)Kind);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], Grid.T);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], Grid.H);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], Grid.W);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], (long)rows.dtype);
        sha.AppendData(header);
        sha.AppendData(rows.bytes);
        Hash = ContentHash.Finish(sha);
    }
}
