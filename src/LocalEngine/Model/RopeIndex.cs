namespace Glm4vSK.LocalEngine;

/// <summary>What a prompt position holds, as the newest processor's <c>mm_token_type_ids</c> encodes it.</summary>
public enum TokenKind : byte
{
    Text = 0,
    /// <summary>An image placeholder outside a video span.</summary>
    Image = 1,
    /// <summary>An image placeholder inside <c>&lt;|begin_of_video|&gt;…&lt;|end_of_video|&gt;</c> (a video frame).</summary>
    Video = 2,
}

/// <summary>3-D (t, h, w) M-RoPE positions of a left-padded batch and the deltas that continue them while decoding.</summary>
public sealed class RopePositions
{
    internal RopePositions(long[,,] positions, long[] deltas, long[] deltasPadded, TokenKind[,] kinds)
    {
        Positions = positions;
        Deltas = deltas;
        DeltasPadded = deltasPadded;
        Kinds = kinds;
    }

    /// <summary>[3, B, L]; padding positions are 0.</summary>
    public long[,,] Positions { get; }
    /// <summary>Per row: max position + 1 − number of real tokens (newest transformers definition).</summary>
    public long[] Deltas { get; }
    /// <summary>Per row: max position + 1 − L (transformers ≤ 5.0 definition).</summary>
    public long[] DeltasPadded { get; }
    /// <summary>[B, L] kind of every position (padding is <see cref="TokenKind.Text"/>).</summary>
    public TokenKind[,] Kinds { get; }

    /// <summary>The position, on all three axes, of generated token <paramref name="step"/> (0-based) of row b.</summary>
    public long DecodePosition(int b, int step) => Positions.GetLength(2) + step + DeltasPadded[b];
}

/// <summary>
/// <c>get_rope_index</c>: walks the real (unpadded) tokens of each row in runs of equal kind. A text run of n tokens
/// takes n consecutive positions on all axes; an image (t, h, w) takes (cur+ti, cur+hi, cur+wi) over its merged grid
/// and advances cur by max(h, w)/2 (t·merge for t &gt; 1 images); each video frame is its own run with t index 0.
/// </summary>
public static class RopeIndex
{
    public static RopePositions Compute(long[,] inputIds, long[,] attentionMask, IReadOnlyList<GridThw> imageGrids,
        IReadOnlyList<GridThw> videoGrids, Glm4vConfig config)
    {
        int b = inputIds.GetLength(0), l = inputIds.GetLength(1);
        if (attentionMask.GetLength(0) != b || attentionMask.GetLength(1) != l)
            throw new InvalidModelInputException($"attention_mask is [{attentionMask.GetLength(0)}, {attentionMask.GetLength(1)}] but input_ids is [{b}, {l}].");
        int merge = config.Vision.SpatialMergeSize;
        var pos = new long[3, b, l];
        var deltas = new long[b];
        var deltasPadded = new long[b];
        var kinds = Classify(inputIds, attentionMask, config);
        int image = 0, video = 0, videoFrame = 0;
        for (int row = 0; row < b; row++)
        {
            long cur = 0, max = -1;
            int real = 0;
            int i = 0;
            while (i < l)
            {
                if (attentionMask[row, i] == 0) { i++; continue; }
                var kind = kinds[row, i];
                int end = i;
                while (end < l && attentionMask[row, end] != 0 && kinds[row, end] == kind) end++;
                int n = end - i;
                real += n;
                if (kind == TokenKind.Text)
                {
                    for (int k = 0; k < n; k++)
                    {
                        pos[0, row, i + k] = pos[1, row, i + k] = pos[2, row, i + k] = cur + k;
                    }
                    max = Math.Max(max, cur + n - 1);
                    cur += n;
                }
                else
                {
                    int at = i;
                    while (at < end)
                    {
                        GridThw g;
                        int t;
                        if (kind == TokenKind.Image)
                        {
                            if (image >= imageGrids.Count)
                                throw new InvalidModelInputException($"Row {row} has more image placeholder runs than the {imageGrids.Count} image grid(s) given.");
                            g = imageGrids[image++];
                            t = g.T;
                        }
                        else
                        {
                            if (video >= videoGrids.Count)
                                throw new InvalidModelInputException($"Row {row} has more video frame runs than the {videoGrids.Count} video grid(s) allow.");
                            g = videoGrids[video];
                            t = 1;
                            if (++videoFrame == g.T) { videoFrame = 0; video++; }
                        }
                        int gh = g.H / merge, gw = g.W / merge, count = t * gh * gw;
                        if (at + count > end)
                            throw new InvalidModelInputException(
                                $"Row {row}: a run of {end - at} {kind.ToString().ToLowerInvariant()} placeholder(s) at position {at} is shorter than the {count} that grid {g} needs.");
                        int k = at;
                        for (int ti = 0; ti < t; ti++)
                        for (int hi = 0; hi < gh; hi++)
                        for (int wi = 0; wi < gw; wi++, k++)
                        {
                            pos[0, row, k] = cur + ti;
                            pos[1, row, k] = cur + hi;
                            pos[2, row, k] = cur + wi;
                        }
                        long runMax = cur + Math.Max(t - 1, Math.Max(gh - 1, gw - 1));
                        max = Math.Max(max, runMax);
                        cur = runMax + 1;
                        at += count;
                    }
                }
                i = end;
            }
            if (real == 0) throw new InvalidModelInputException($"Row {row} has no tokens with attention_mask = 1.");
            deltas[row] = max + 1 - real;
            deltasPadded[row] = max + 1 - l;
        }
        if (image != imageGrids.Count)
            throw new InvalidModelInputException($"{imageGrids.Count} image grid(s) were given but the prompt has placeholders for {image}.");
        if (video != videoGrids.Count || videoFrame != 0)
            throw new InvalidModelInputException($"{videoGrids.Count} video grid(s) were given but the prompt's video placeholders do not match them (used {video} whole video(s)).");
        return new RopePositions(pos, deltas, deltasPadded, kinds);
    }

    /// <summary>Kinds of every position: image tokens inside a video span are frames.</summary>
    public static TokenKind[,] Classify(long[,] inputIds, long[,] attentionMask, Glm4vConfig config)
    {
        int b = inputIds.GetLength(0), l = inputIds.GetLength(1);
        var kinds = new TokenKind[b, l];
        for (int row = 0; row < b; row++)
        {
            bool inVideo = false;
            for (int i = 0; i < l; i++)
            {
                if (attentionMask[row, i] == 0) continue;
                long id = inputIds[row, i];
                if (id == config.VideoStartTokenId) inVideo = true;
                else if (id == config.VideoEndTokenId) inVideo = false;
                else if (id == config.ImageTokenId) kinds[row, i] = inVideo ? TokenKind.Video : TokenKind.Image;
            }
        }
        return kinds;
    }
}
