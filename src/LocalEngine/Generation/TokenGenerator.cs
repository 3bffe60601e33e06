using Glm4vSK.LocalEngine.Caching;
using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Generation;

/// <summary>
/// One generation: prefill (vision tower, placeholder merge, decoder over the whole prompt into a preallocated KV
/// cache), then one token per step at position <c>L + step + delta</c>. Every step runs in its own dispose scope, so
/// only the cache and the host-side state outlive a step. With the engine's caches, a one-row prompt first restores
/// the longest cached prefix of its blocks and prefills only the rest (at the positions a full prefill would give
/// them); pictures come from the image-embedding cache; the prompt's blocks are stored after the prefill and the
/// whole sequence's at the end.
/// </summary>
internal sealed class TokenGenerator : IDisposable
{
    readonly Glm4vModel _model;
    readonly ModelInputs _inputs;
    readonly ResolvedSampling _s;
    readonly Sampler _sampler;
    readonly KvCache _cache;
    readonly RopePositions _positions;
    readonly int _b, _l, _maxNew;
    readonly List<long>[] _history;
    readonly bool[] _finished;
    readonly bool[] _thinkClosed;
    readonly long[] _last;
    readonly EngineCaches? _caches;
    readonly bool _prefixable;
    IReadOnlyList<MediaItem> _images = [], _videos = [];
    int _step, _reused;
    bool _faulted;

    public TokenGenerator(Glm4vModel model, ModelInputs inputs, ResolvedSampling s, int contextTokens, EngineCaches? caches = null)
    {
        _model = model;
        _inputs = inputs;
        _s = s;
        _b = inputs.BatchSize;
        _l = inputs.Length;
        if (_l >= contextTokens) throw new ContextLengthExceededException(_l, s.MaxNewTokens, contextTokens);
        _maxNew = Math.Min(s.MaxNewTokens, contextTokens - _l);
        ValidateTokenIds(inputs, model.Config.Text.VocabSize);
        _positions = RopeIndex.Compute(inputs.InputIds, inputs.AttentionMask, inputs.ImageGrids, inputs.VideoGrids, model.Config);
        _history = new List<long>[_b];
        for (int i = 0; i < _b; i++)
        {
            _history[i] = new List<long>(_l + _maxNew);
            for (int j = 0; j < _l; j++) if (inputs.AttentionMask[i, j] != 0) _history[i].Add(inputs.InputIds[i, j]);
        }
        _finished = new bool[_b];
        _thinkClosed = new bool[_b];
        _last = new long[_b];
        var t = model.Config.Text;
        _sampler = new Sampler(s, model.Device);
        _cache = new KvCache(model.LayerCount, _b, t.NumKeyValueHeads, _l + _maxNew, t.HeadDim, model.DType, model.Device);
        _caches = caches;
        // Left-padded rows would need their reused prefix placed after the padding: batches bypass prefix reuse.
        _prefixable = caches?.Prefix is not null && _b == 1 && _history[0].Count == _l;
    }

    public RopePositions Positions => _positions;
    /// <summary>Whether the prefill has run (later steps decode one token per row).</summary>
    public bool Prefilled => _step > 0;
    public int PromptLength => _l;
    /// <summary>Row 0's last sampled token: the input of its next decode step.</summary>
    internal long LastToken => _last[0];
    /// <summary>Row 0's M-RoPE position (the same on all three streams) of its next decode step.</summary>
    internal long NextPosition => _positions.DecodePosition(0, _step - 1);
    internal KvCache Cache => _cache;
    /// <summary>A batched step that included this generator failed: its cache may be half written, so nothing of it is stored.</summary>
    internal void MarkFaulted() => _faulted = true;
    /// <summary>Prompt tokens of row 0 restored from the prefix cache (known after the first step).</summary>
    public int ReusedPromptTokens => _reused;
    public bool Done => _step >= _maxNew || _finished.All(f => f);
    /// <summary>Test hook: sees the fp32 logits [B, V] each step's tokens were drawn from.</summary>
    public Action<Tensor>? OnLogits { get; set; }
    /// <summary>The request's telemetry (prefill, vision and token timings); null when nobody measures.</summary>
    public Telemetry.RequestTelemetry? Telemetry { get; init; }

    /// <summary>Runs one forward (the prefill on the first call) and returns one token per row still running.</summary>
    public IReadOnlyList<GeneratedToken> Step()
    {
        if (Done) return [];
        try
        {
            if (_step == 0) Telemetry?.PrefillStarting(); // telemetry
            var tokens = StepCore();
            if (_step == 1) Telemetry?.Prefilled(_l - _reused, _reused); // telemetry
            return tokens;
        }
        catch
        {
            _faulted = true; // the KV cache may be half written: nothing of it is stored
            throw;
        }
    }

    IReadOnlyList<GeneratedToken> StepCore()
    {
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        Tensor hidden;
        if (_step == 0) hidden = Prefill();
        else
        {
            var ids = tensor(_last, device: _model.Device).view(_b, 1);
            var embeds = _model.Embed(ids, null, null, null);
            var pos = new long[3, _b, 1];
            for (int i = 0; i < _b; i++)
                pos[0, i, 0] = pos[1, i, 0] = pos[2, i, 0] = _positions.DecodePosition(i, _step - 1);
            hidden = _model.Decode(embeds, tensor(pos), MaskTensor(_l + _step), _cache);
        }
        var logits = _model.Logits(hidden.narrow(1, hidden.shape[1] - 1, 1).squeeze(1)).to(ScalarType.Float32);
        return Accept(logits);
    }

    /// <summary>
    /// Draws each running row's token from the logits [B, V] of this step (computed here, or by a batched step over
    /// several generators) and records it. Call inside a dispose scope.
    /// </summary>
    internal IReadOnlyList<GeneratedToken> Accept(Tensor logits)
    {
        OnLogits?.Invoke(logits);
        long[] next = _sampler.Next(logits, _s.RepetitionPenalty != 1f ? HistoryTensor() : null);
        var result = new List<GeneratedToken>(_b);
        for (int i = 0; i < _b; i++)
        {
            if (_finished[i]) { _last[i] = _s.PadTokenId; continue; }
            int id = (int)next[i];
            if (_s.ThinkEndTokenId is int thinkEnd)
            {
                if (!_thinkClosed[i] && _s.ThinkingBudget is int budget && _step >= budget) id = thinkEnd; // budget spent: close the reasoning
                if (id == thinkEnd) _thinkClosed[i] = true;
            }
            bool stop = Array.IndexOf(_s.StopTokenIds, id) >= 0;
            bool last = stop || _step + 1 >= _maxNew;
            _finished[i] = last;
            _last[i] = id;
            _history[i].Add(id);
            result.Add(new GeneratedToken(i, id, _step, stop, last ? stop ? GenerationFinishReason.Stop : GenerationFinishReason.Length : null)
            {
                CachedPromptTokens = i == 0 ? _reused : 0,
            });
        }
        _step++;
        Telemetry?.Accepted(result.Count); // telemetry
        return result;
    }

    Tensor Prefill()
    {
        if (_caches is null)
        {
            Tensor? imageEmbeds, videoEmbeds;
            using (Telemetry?.Vision(_inputs.ImageGrids.Count + _inputs.VideoGrids.Count)) // telemetry
            {
                imageEmbeds = _inputs.PixelValues is null ? null : _model.EncodeImages(_inputs.PixelValues, _inputs.ImageGrids);
                videoEmbeds = _inputs.PixelValuesVideos is null ? null : _model.EncodeVideos(_inputs.PixelValuesVideos, _inputs.VideoGrids);
            }
            var embeds = _model.Embed(tensor(_inputs.InputIds), _positions.Kinds, imageEmbeds, videoEmbeds);
            return _model.Decode(embeds, tensor(_positions.Positions), MaskTensor(_l), _cache);
        }
        (_images, _videos) = MediaItem.Of(_inputs, _positions.Kinds, _model.Config.Vision.SpatialMergeSize);
        foreach (var m in _images) m.ComputeHash(_inputs.PixelValues!);
        foreach (var m in _videos) m.ComputeHash(_inputs.PixelValuesVideos!);
        ContentHash[] blocks = [];
        if (_prefixable)
        {
            var prefix = _caches.Prefix!;
            blocks = BlockHashes.Compute(_history[0], _images.Concat(_videos), prefix.BlockTokens, _l / prefix.BlockTokens);
            // At least the last prompt token is prefilled: its hidden state gives the first logits.
            _reused = prefix.Restore(blocks, (_l - 1) / prefix.BlockTokens, _cache, 0) * prefix.BlockTokens;
            _cache.Advance(_reused);
        }
        int from = _reused, n = _l - from;
        Tensor? images, videos;
        using (Telemetry?.Vision(_images.Count(m => m.End > from) + _videos.Count(m => m.End > from))) // telemetry
        {
            images = _inputs.PixelValues is null ? null : MediaFeatures.Encode(_model, _inputs.PixelValues, _images, _positions.Kinds, from, _caches.Images);
            videos = _inputs.PixelValuesVideos is null ? null : MediaFeatures.Encode(_model, _inputs.PixelValuesVideos, _videos, _positions.Kinds, from, _caches.Images);
        }
        var kinds = new TokenKind[_b, n];
        for (int i = 0; i < _b; i++)
            for (int j = 0; j < n; j++) kinds[i, j] = _positions.Kinds[i, from + j];
        // Positions of the suffix are those of the full prompt (M-RoPE of a picture depends on all that precedes it).
        var suffixEmbeds = _model.Embed(tensor(_inputs.InputIds).narrow(1, from, n), kinds, images, videos);
        var hidden = _model.Decode(suffixEmbeds, tensor(_positions.Positions).narrow(2, from, n), MaskTensor(_l), _cache);
        if (_prefixable) _caches.Prefix!.Store(blocks, blocks.Length, _cache, 0);
        return hidden;
    }

    /// <summary>
    /// Stores the blocks of prompt + output whose keys and values the KV cache holds (the last token sampled has none),
    /// so that a prompt continuing this conversation finds them. Stops before a generated image/video marker: a later
    /// prompt would give it a picture's positions, not the text positions it was decoded at.
    /// </summary>
    void StoreSequence()
    {
        if (!_prefixable || _faulted || _step == 0) return;
        var prefix = _caches!.Prefix!;
        var c = _model.Config;
        var ids = _history[0];
        int filled = (int)Math.Min(_cache.Length, ids.Count);
        for (int j = _l; j < filled; j++)
            if (ids[j] == c.ImageTokenId || ids[j] == c.VideoStartTokenId || ids[j] == c.VideoEndTokenId) { filled = j; break; }
        int count = filled / prefix.BlockTokens;
        if (count <= _l / prefix.BlockTokens) return; // the prompt's blocks were stored after the prefill
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        var blocks = BlockHashes.Compute(ids, _images.Concat(_videos), prefix.BlockTokens, count);
        prefix.Store(blocks, count, _cache, 0);
    }

    /// <summary>[B, len]: the prompt mask extended by ones for the generated positions.</summary>
    Tensor MaskTensor(int len)
    {
        var m = new long[_b, len];
        for (int i = 0; i < _b; i++)
            for (int j = 0; j < len; j++) m[i, j] = j < _l ? _inputs.AttentionMask[i, j] : 1;
        return tensor(m);
    }

    Tensor HistoryTensor()
    {
        // Rows differ in length (padding was dropped): repeat each row's first id to the longest length; a repeated
        // id is penalised once, as with gather/scatter on a duplicate index.
        int len = _history.Max(h => h.Count);
        var arr = new long[_b, len];
        for (int i = 0; i < _b; i++)
            for (int j = 0; j < len; j++) arr[i, j] = j < _history[i].Count ? _history[i][j] : _history[i][0];
        return tensor(arr);
    }

    static void ValidateTokenIds(ModelInputs inputs, int vocab)
    {
        for (int i = 0; i < inputs.BatchSize; i++)
            for (int j = 0; j < inputs.Length; j++)
            {
                long id = inputs.InputIds[i, j];
                if (id < 0 || id >= vocab)
                    throw new InvalidModelInputException($"Token id {id} at row {i}, position {j} is outside the vocabulary (size {vocab}).");
            }
    }

    public void Dispose()
    {
        try
        {
            StoreSequence();
        }
        finally
        {
            _cache.Dispose();
            _sampler.Dispose();
        }
    }
}
