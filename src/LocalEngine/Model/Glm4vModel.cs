using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// <c>Glm4vForConditionalGeneration</c>: vision tower, token embedding with visual features written into the
/// placeholder rows, the decoder stack with M-RoPE, final RMSNorm and the (untied) <c>lm_head</c>.
/// </summary>
internal sealed class Glm4vModel : ModelPart
{
    const string Text = "model.language_model";
    readonly Tensor _embed;
    readonly IDecoderLayer[] _layers;
    readonly RmsNorm _norm;
    readonly Tensor _lmHead;

    Glm4vModel(WeightLoader w, Glm4vConfig config)
    {
        Config = config;
        var t = config.Text;
        DType = w.DType;
        Device = w.Device;
        Visual = Own(new VisionTower(w, config.Vision));
        _embed = Own(w.Take($"{Text}.embed_tokens.weight", [t.VocabSize, t.HiddenSize]));
        _layers = new IDecoderLayer[t.NumHiddenLayers];
        for (int i = 0; i < t.NumHiddenLayers; i++)
        {
            _layers[i] = config.Decoder == DecoderKind.Dense
                ? new TextDecoderLayer(w, $"{Text}.layers.{i}", i, t)
                : new MoeDecoderLayer(w, $"{Text}.layers.{i}", i, t);
            Own(_layers[i]);
        }
        _norm = Own(new RmsNorm(w, $"{Text}.norm", t.HiddenSize, t.RmsNormEps));
        _lmHead = config.TieWordEmbeddings && !w.Contains("lm_head.weight")
            ? _embed
            : Own(w.Take("lm_head.weight", [t.VocabSize, t.HiddenSize]));
        Rope = new MultimodalRotary(t, Device);
        Own(Rope);
    }

    public Glm4vConfig Config { get; }
    public ScalarType DType { get; }
    public Device Device { get; }
    public VisionTower Visual { get; }
    public MultimodalRotary Rope { get; }
    public int LayerCount => _layers.Length;

    /// <summary>Builds the model from the checkpoint; throws one error naming every missing, mis-shaped or extra tensor.</summary>
    public static Glm4vModel Load(Checkpoint checkpoint, Glm4vConfig config, ScalarType dtype, Device device,
        bool allowUnexpectedWeights, IProgress<ModelLoadProgress>? progress)
    {
        var loader = new WeightLoader(checkpoint, dtype, device, config.Text.NumHiddenLayers, progress);
        var model = new Glm4vModel(loader, config);
        try
        {
            loader.ThrowIfInvalid(allowUnexpectedWeights);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Every tensor (checkpoint name and shape) a checkpoint for <paramref name="config"/> must hold.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> ExpectedTensors(Glm4vConfig config)
    {
        using var empty = Checkpoint.Empty();
        var loader = new WeightLoader(empty, ScalarType.Float32, new Device(TorchSharp.DeviceType.META), config.Text.NumHiddenLayers, null);
        using var model = new Glm4vModel(loader, config);
        return loader.MissingTensors.ToList();
    }

    /// <summary>
    /// The model of <paramref name="config"/> with every weight on PyTorch's meta device (shapes only, no memory):
    /// a forward computes shapes, and any tensor it meets on another device is a device-mismatch error.
    /// </summary>
    internal static Glm4vModel OnMeta(Glm4vConfig config, ScalarType dtype)
    {
        using var empty = Checkpoint.Empty();
        return new Glm4vModel(new WeightLoader(empty, dtype, new Device(TorchSharp.DeviceType.META), config.Text.NumHiddenLayers, null), config);
    }

    /// <summary>
    /// The model of <paramref name="config"/> on <paramref name="device"/> with random weights, uniform in ±0.02,
    /// made there (benchmarks of full-size shapes without writing a checkpoint).
    /// </summary>
    internal static Glm4vModel Synthetic(Glm4vConfig config, ScalarType dtype, Device device, long seed = 1234)
    {
        using var empty = Checkpoint.Empty();
        var rng = new Generator((ulong)seed, device);
        try
        {
            return new Glm4vModel(new WeightLoader(empty, dtype, device, config.Text.NumHiddenLayers, null,
                (shape, t) => TorchSharp.torch.empty(shape, t, device).uniform_(-0.02, 0.02, rng)), config);
        }
        finally
        {
            rng.Dispose();
        }
    }

    /// <summary>Test hook: applied to the hidden states after every decoder layer (device tests inject a stray tensor).</summary>
    internal Func<Tensor, Tensor>? AfterLayer { get; set; }

    /// <summary>Vision features of images: [Σ t·h·w/4, hidden].</summary>
    public Tensor EncodeImages(Tensor pixelRows, IReadOnlyList<GridThw> grids) => Visual.Forward(pixelRows, grids);

    /// <summary>Vision features of videos; each temporal patch is encoded as its own frame.</summary>
    public Tensor EncodeVideos(Tensor pixelRows, IReadOnlyList<GridThw> grids) =>
        Visual.Forward(pixelRows, grids.SelectMany(g => Enumerable.Repeat(new GridThw(1, g.H, g.W), g.T)).ToList());

    /// <summary>Token embeddings with image rows (kind 1) and video rows (kind 2) replaced by the visual features, in row-major order.</summary>
    public Tensor Embed(Tensor inputIds, TokenKind[,]? kinds, Tensor? imageEmbeds, Tensor? videoEmbeds)
    {
        using var scope = NewDisposeScope();
        long b = inputIds.shape[0], l = inputIds.shape[1];
        var ids = inputIds.to(Device);
        var x = _embed[ids.flatten()].view(b, l, -1);   // indexing, not index_select: meta has no index_select kernel
        if (kinds is not null && (imageEmbeds is not null || videoEmbeds is not null))
        {
            x = x.clone();
            var flat = x.view(b * l, -1);
            Scatter(flat, kinds, TokenKind.Image, imageEmbeds, "image");
            Scatter(flat, kinds, TokenKind.Video, videoEmbeds, "video");
        }
        return x.MoveToOuterDisposeScope();
    }

    void Scatter(Tensor flat, TokenKind[,] kinds, TokenKind kind, Tensor? features, string what)
    {
        var rows = new List<long>();
        int b = kinds.GetLength(0), l = kinds.GetLength(1);
        for (int i = 0; i < b; i++)
            for (int j = 0; j < l; j++)
                if (kinds[i, j] == kind) rows.Add((long)i * l + j);
        long have = features?.shape[0] ?? 0;
        if (rows.Count != have)
            throw new InvalidModelInputException($"The prompt has {rows.Count} {what} placeholder token(s) but the {what} features have {have} row(s).");
        if (rows.Count == 0) return;
        using var idx = tensor(rows.ToArray(), device: Device);
        flat.index_copy_(0, idx, features!.to(flat.dtype));
    }

    /// <summary>
    /// Runs the decoder over <paramref name="embeds"/> [B, Lq, H] at <paramref name="positions"/> [3, B, Lq].
    /// <paramref name="attentionMask"/> [B, Lk] covers the cached positions and the new ones (1 = real token).
    /// Returns the hidden states after the final norm.
    /// </summary>
    public Tensor Decode(Tensor embeds, Tensor positions, Tensor attentionMask, KvCache? cache)
    {
        using var scope = NewDisposeScope();
        var mask = BuildMask(attentionMask, cache?.Length ?? 0, embeds.shape[1], DType, Device);
        return Run(embeds, positions, mask, cache).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One decode step of several sequences, one token each (<paramref name="embeds"/> [B, 1, H], positions [3, B, 1]),
    /// each attending over its own cache in <paramref name="caches"/>. Returns the hidden states after the final norm.
    /// </summary>
    public Tensor DecodeBatch(Tensor embeds, Tensor positions, KvBatch caches)
    {
        if (embeds.shape[0] != caches.Count || embeds.shape[1] != 1)
            throw new ArgumentException($"A batched decode step takes one token per sequence: embeds {embeds.shape[0]}×{embeds.shape[1]} for {caches.Count} caches.", nameof(embeds));
        return Run(embeds, positions, null, caches);
    }

    Tensor Run(Tensor embeds, Tensor positions, Tensor? mask, IKvStore? cache)
    {
        using var scope = NewDisposeScope();
        long lq = embeds.shape[1];
        var (cos, sin) = Rope.CosSin(positions.to(Device), DType);
        var x = embeds;
        foreach (var layer in _layers)
        {
            using var layerScope = NewDisposeScope();
            x = layer.Forward(x, Rope, cos, sin, mask, cache);
            if (AfterLayer is { } hook) x = hook(x);
            x = x.MoveToOuterDisposeScope();
        }
        cache?.Advance(lq);
        return _norm.Forward(x).MoveToOuterDisposeScope();
    }

    public Tensor Logits(Tensor hidden) => nn.functional.linear(hidden, _lmHead);

    /// <summary>
    /// Additive mask [B, 1, Lq, Lk] on <paramref name="device"/>: causal over the new positions, padding keys masked;
    /// null when nothing is masked. <paramref name="attentionMask"/> is a host tensor, so the all-real test of a decode
    /// step reads no device memory.
    /// </summary>
    static Tensor? BuildMask(Tensor attentionMask, long past, long lq, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        long lk = past + lq;
        if (attentionMask.shape[1] != lk)
            throw new InvalidModelInputException($"attention_mask covers {attentionMask.shape[1]} positions but {past} cached + {lq} new = {lk} are needed.");
        if (attentionMask.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException($"attention_mask must be a host (CPU) tensor, not on {attentionMask.device}.", nameof(attentionMask));
        if (lq == 1 && attentionMask.all().item<bool>()) return null;
        // Comparisons and bitwise_or rather than logical_and/not, which have no meta kernel (device tests).
        var padKey = attentionMask.to(device).eq(0).view(attentionMask.shape[0], 1, 1, lk);
        var q = arange(past, lk, ScalarType.Int64, device).view(lq, 1);
        var k = arange(0, lk, ScalarType.Int64, device).view(1, lk);
        var blocked = padKey.bitwise_or(k.gt(q).view(1, 1, lq, lk));
        double min = dtype switch
        {
            ScalarType.Float16 => -65504.0,
            ScalarType.BFloat16 => -3.3895313892515355e38,
            ScalarType.Float64 => double.MinValue,
            _ => float.MinValue,
        };
        var m = zeros([attentionMask.shape[0], 1, lq, lk], dtype, device).masked_fill(blocked, min);
        return m.MoveToOuterDisposeScope();
    }
}
