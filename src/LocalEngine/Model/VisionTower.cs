using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// The GLM-4V vision tower (<c>model.visual</c>): patch embed (Conv3d as one matmul) → RMSNorm → + resampled position
/// table → ViT blocks with 2-D rotary, attention restricted to each frame → RMSNorm → 2×2 downsample conv → merger.
/// Input rows come in 2×2-merge-block order, as the processor writes them.
/// </summary>
internal sealed class VisionTower : ModelPart
{
    const string Prefix = "model.visual";
    readonly VisionConfig _c;
    readonly Tensor _patchWeight, _patchBias;          // [Hv, 1176], [Hv]
    readonly RmsNorm _postConvNorm, _postNorm;
    readonly VisionPositionEmbedding _pos;
    readonly VisionBlock[] _blocks;
    readonly Tensor _downWeight, _downBias;            // [out, Hv·4] in (c, kh, kw) order, [out]
    readonly VisionPatchMerger _merger;
    long _runs;

    public VisionTower(WeightLoader w, VisionConfig c)
    {
        _c = c;
        long hv = c.HiddenSize;
        var pw = Own(w.Take($"{Prefix}.patch_embed.proj.weight", [hv, c.InChannels, c.TemporalPatchSize, c.PatchSize, c.PatchSize]));
        _patchWeight = pw.view(hv, c.PatchRowSize);
        _patchBias = Own(w.Take($"{Prefix}.patch_embed.proj.bias", [hv]));
        _postConvNorm = Own(new RmsNorm(w, $"{Prefix}.post_conv_layernorm", hv, c.RmsNormEps));
        _pos = Own(new VisionPositionEmbedding(w, $"{Prefix}.embeddings.position_embedding", c));
        _blocks = Enumerable.Range(0, c.Depth).Select(i => Own(new VisionBlock(w, $"{Prefix}.blocks.{i}", c))).ToArray();
        _postNorm = Own(new RmsNorm(w, $"{Prefix}.post_layernorm", hv, c.RmsNormEps));
        int m = c.SpatialMergeSize;
        var dw = Own(w.Take($"{Prefix}.downsample.weight", [c.OutHiddenSize, hv, m, m]));
        _downWeight = dw.view(c.OutHiddenSize, hv * m * m);
        _downBias = Own(w.Take($"{Prefix}.downsample.bias", [c.OutHiddenSize]));
        _merger = Own(new VisionPatchMerger(w, $"{Prefix}.merger", c));
        Own(_patchWeight);
        Own(_downWeight);
    }

    /// <summary>Forward calls so far (tests check that a cached picture skips the tower).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <param name="pixelRows">[N, C·T·P·P] patch rows of all items, in order</param>
    /// <param name="grids">one grid per image (or per video; a video's T temporal patches are encoded as T frames)</param>
    /// <returns>[N/4, out_hidden_size]</returns>
    public Tensor Forward(Tensor pixelRows, IReadOnlyList<GridThw> grids)
    {
        long expected = grids.Sum(g => (long)g.PatchCount);
        if (pixelRows.dim() != 2 || pixelRows.shape[0] != expected || pixelRows.shape[1] != _c.PatchRowSize)
            throw new InvalidModelInputException(
                $"Pixel rows have shape [{string.Join(", ", pixelRows.shape)}] but the grids {string.Join(" ", grids)} need [{expected}, {_c.PatchRowSize}].");
        Interlocked.Increment(ref _runs);
        using var scope = NewDisposeScope();
        var device = _patchWeight.device;
        var (hPos, wPos, gridH, gridW, segments) = PatchCoordinates(grids, device);

        var x = nn.functional.linear(pixelRows.to(_patchWeight.dtype, device), _patchWeight, _patchBias);
        x = _postConvNorm.Forward(x);
        x = x + _pos.Resample(hPos, wPos, gridH, gridW).to(x.dtype);
        var (cos, sin) = VisionRotary.CosSin(hPos, wPos, _c.HeadDim, device);
        foreach (var block in _blocks)
        {
            using var blockScope = NewDisposeScope();
            x = block.Forward(x, cos, sin, segments).MoveToOuterDisposeScope();
        }
        x = _postNorm.Forward(x);
        int m = _c.SpatialMergeSize;
        // 4 consecutive rows = one 2×2 block in (mh, mw) order; the conv weight is flattened in (c, kh, kw) order.
        var blocks = x.view(-1, m * m, _c.HiddenSize).transpose(1, 2).reshape(-1, (long)_c.HiddenSize * m * m);
        x = nn.functional.linear(blocks, _downWeight, _downBias);
        return _merger.Forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>(row, column) of every patch in merge-block order, its frame's grid size, and the frame lengths.</summary>
    (Tensor H, Tensor W, Tensor GridH, Tensor GridW, long[] Segments) PatchCoordinates(IReadOnlyList<GridThw> grids, Device device)
    {
        int m = _c.SpatialMergeSize;
        int n = grids.Sum(g => g.PatchCount);
        var h = new float[n];
        var w = new float[n];
        var gh = new float[n];
        var gw = new float[n];
        var segments = new List<long>();
        int idx = 0;
        foreach (var g in grids)
        {
            if (g.T <= 0 || g.H <= 0 || g.W <= 0 || g.H % m != 0 || g.W % m != 0)
                throw new InvalidModelInputException($"Grid {g} is invalid: T, H and W must be positive and H, W multiples of {m}.");
            for (int t = 0; t < g.T; t++)
            {
                segments.Add((long)g.H * g.W);
                for (int hb = 0; hb < g.H / m; hb++)
                for (int wb = 0; wb < g.W / m; wb++)
                for (int mh = 0; mh < m; mh++)
                for (int mw = 0; mw < m; mw++)
                {
                    h[idx] = hb * m + mh;
                    w[idx] = wb * m + mw;
                    gh[idx] = g.H;
                    gw[idx] = g.W;
                    idx++;
                }
            }
        }
        return (tensor(h, device: device), tensor(w, device: device), tensor(gh, device: device), tensor(gw, device: device), segments.ToArray());
    }
}
