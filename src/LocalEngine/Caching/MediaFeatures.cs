using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Caching;

/// <summary>
/// The vision features a prefill needs, with the image-embedding cache: items whose placeholders all lie before
/// <c>from</c> (already in the KV cache) are skipped, cached items are copied, and the misses go through the vision
/// tower in one call (as without a cache). An item cut by <c>from</c> contributes only its rows from there on.
/// </summary>
internal static class MediaFeatures
{
    /// <param name="model">The model (its vision tower runs the misses).</param>
    /// <param name="pixels">pixel_values (or pixel_values_videos) of the whole batch.</param>
    /// <param name="items">The items of that kind, in prompt order, hashes computed when <paramref name="cache"/> is set.</param>
    /// <param name="kinds">[B, L] kinds of the prompt.</param>
    /// <param name="from">First position to prefill (0 unless a prefix was restored; then B = 1).</param>
    /// <returns>Feature rows of every placeholder at or after <paramref name="from"/>, in order; null when none.</returns>
    public static Tensor? Encode(Glm4vModel model, Tensor pixels, IReadOnlyList<MediaItem> items, TokenKind[,] kinds, int from, ImageEmbeddingCache? cache)
    {
        var needed = items.Where(m => m.End > from).ToList();
        if (needed.Count == 0) return null;
        var features = new Tensor?[needed.Count];
        if (cache is not null)
            for (int i = 0; i < needed.Count; i++) features[i] = cache.TryGet(needed[i].Hash);
        var misses = Enumerable.Range(0, needed.Count).Where(i => features[i] is null).ToList();
        if (misses.Count > 0)
        {
            var rows = misses.Count == items.Count
                ? pixels
                : cat(misses.Select(i => pixels.narrow(0, needed[i].PixelOffset, needed[i].PixelRows)).ToList(), 0);
            var grids = misses.Select(i => needed[i].Grid).ToList();
            var encoded = needed[0].Kind == TokenKind.Image ? model.EncodeImages(rows, grids) : model.EncodeVideos(rows, grids);
            if (misses.Count == needed.Count && from == 0) // the common case: nothing cached, nothing to cut
            {
                if (cache is not null) Remember(cache, needed, encoded);
                return encoded;
            }
            long at = 0;
            foreach (int i in misses)
            {
                features[i] = encoded.narrow(0, at, needed[i].Tokens);
                at += needed[i].Tokens;
                if (cache is not null) cache.Add(needed[i].Hash, features[i]!);
            }
        }
        var parts = new List<Tensor>(needed.Count);
        for (int i = 0; i < needed.Count; i++)
        {
            var m = needed[i];
            int skip = 0;
            for (int p = m.First; p < from && p < m.End; p++) if (kinds[m.Row, p] == m.Kind) skip++;
            parts.Add(skip == 0 ? features[i]! : features[i]!.narrow(0, skip, m.Tokens - skip));
        }
        return parts.Count == 1 ? parts[0] : cat(parts, 0);
    }

    static void Remember(ImageEmbeddingCache cache, List<MediaItem> items, Tensor encoded)
    {
        long at = 0;
        foreach (var m in items)
        {
            cache.Add(m.Hash, encoded.narrow(0, at, m.Tokens));
            at += m.Tokens;
        }
    }
}
