using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Caching;

/// <summary>
/// The vision features one prefill needs, for the images (or the videos) of a prompt, handed out by position range
/// as the prefill advances chunk by chunk. An item's features are computed when a range first reaches it — cached
/// items are copied from the image-embedding cache, the misses go through the vision tower in one call (as without a
/// cache) — and held until the prefill ends, so an item cut by a chunk boundary is encoded once.
/// </summary>
internal sealed class MediaFeatures : IDisposable
{
    readonly Glm4vModel _model;
    readonly Tensor _pixels;
    readonly IReadOnlyList<MediaItem> _items;
    readonly TokenKind[,] _kinds;
    readonly ImageEmbeddingCache? _cache;
    readonly Tensor?[] _held;

    /// <param name="model">The model (its vision tower runs the misses).</param>
    /// <param name="pixels">pixel_values (or pixel_values_videos) of the whole batch.</param>
    /// <param name="items">The items of that kind, in prompt order, hashes computed when <paramref name="cache"/> is set.</param>
    /// <param name="kinds">[B, L] kinds of the prompt.</param>
    /// <param name="cache">The image-embedding cache, or null.</param>
    public MediaFeatures(Glm4vModel model, Tensor pixels, IReadOnlyList<MediaItem> items, TokenKind[,] kinds, ImageEmbeddingCache? cache)
    {
        _model = model;
        _pixels = pixels;
        _items = items;
        _kinds = kinds;
        _cache = cache;
        _held = new Tensor?[items.Count];
    }

    /// <summary>
    /// Feature rows of every placeholder at positions [<paramref name="from"/>, <paramref name="to"/>) of each row, in
    /// row-major order; null when there is none. A range narrower than the prompt is for a one-row prompt.
    /// </summary>
    public Tensor? Rows(int from, int to)
    {
        var needed = Enumerable.Range(0, _items.Count).Where(i => _items[i].End > from && _items[i].First < to).ToList();
        if (needed.Count == 0) return null;
        Fetch(needed);
        var parts = new List<Tensor>(needed.Count);
        foreach (int i in needed)
        {
            var m = _items[i];
            int skip = Count(m, m.First, from), take = Count(m, Math.Max(m.First, from), Math.Min(m.End, to));
            parts.Add(skip == 0 && take == m.Tokens ? _held[i]! : _held[i]!.narrow(0, skip, take));
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 0);
    }

    /// <summary>Placeholders of <paramref name="m"/> at positions [from, to) of its row.</summary>
    int Count(MediaItem m, int from, int to)
    {
        int n = 0;
        for (int p = from; p < to; p++) if (_kinds[m.Row, p] == m.Kind) n++;
        return n;
    }

    /// <summary>Holds the features of <paramref name="needed"/>: cache hits copied, misses encoded together.</summary>
    void Fetch(List<int> needed)
    {
        using var scope = NewDisposeScope();
        var misses = new List<int>();
        foreach (int i in needed.Where(i => _held[i] is null))
        {
            if (_cache?.TryGet(_items[i].Hash) is { } hit) _held[i] = hit.DetachFromDisposeScope();
            else misses.Add(i);
        }
        if (misses.Count == 0) return;
        var rows = misses.Count == _items.Count
            ? _pixels
            : cat(misses.Select(i => _pixels.narrow(0, _items[i].PixelOffset, _items[i].PixelRows)).ToList(), 0);
        var grids = misses.Select(i => _items[i].Grid).ToList();
        var encoded = _items[misses[0]].Kind == TokenKind.Image ? _model.EncodeImages(rows, grids) : _model.EncodeVideos(rows, grids);
        long at = 0;
        foreach (int i in misses)
        {
            var features = misses.Count == 1 ? encoded : encoded.narrow(0, at, _items[i].Tokens);
            at += _items[i].Tokens;
            _cache?.Add(_items[i].Hash, features);
            _held[i] = features.DetachFromDisposeScope();
        }
    }

    public void Dispose()
    {
        for (int i = 0; i < _held.Length; i++)
        {
            _held[i]?.Dispose();
            _held[i] = null;
        }
    }
}
