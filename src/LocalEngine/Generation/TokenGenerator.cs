using Glm4vSK.LocalEngine.Caching;
using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Generation;

/// <summary>
/// One generation: prefill (vision tower, placeholder merge, decoder over the prompt into a preallocated KV cache;
/// whole, or in chunks for the batch loop), then one token per step at position <c>L + step + delta</c>. Every step runs in its own dispose scope, so
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
    MediaFeatures? _imageFeatures, _videoFeatures;
    ContentHash[] _blocks = [];
    int _step, _reused;
    int _filled = -1; // prompt positions whose keys and values are in the cache; -1 before the prefill starts
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
    /// <summary>Prompt tokens run through the decoder so far (restored prefix tokens excluded).</summary>
    public int ComputedPromptTokens { get; private set; }
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
            return StepCore();
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
        if (_step == 0) hidden = Prefill(int.MaxValue)!;
        else
        {
            var ids = tensor(_last, device: _model.Device).view(_b, 1);
            var embeds = _model.Embed(ids, null, null, null);
            var pos = new long[3, _b, 1];
            for (int i = 0; i < _b; i++)
                pos[0, i, 0] = pos[1, i, 0] = pos[2, i, 0] = _positions.DecodePosition(i, _step - 1);
            hidden = _model.Decode(embeds, tensor(pos), MaskTensor(_l + _step), _cache);
        }
        return Accept(LastLogits(hidden));
    }

    /// <summary>fp32 logits [B, V] of the last position of <paramref name="hidden"/> [B, L, H].</summary>
    Tensor LastLogits(Tensor hidden) => _model.Logits(hidden.narrow(1, hidden.shape[1] - 1, 1).squeeze(1)).to(ScalarType.Float32);

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
        if (_step == 1) Telemetry?.Prefilled(ComputedPromptTokens, _reused); // telemetry: the first token ends the prefill
        return result;
    }

    /// <summary>
    /// Prefills at most <paramref name="maxTokens"/> more prompt tokens into the KV cache (the batch loop's per-step
    /// budget); once the whole prompt is in, draws and returns the first token. Returns nothing while prompt remains.
    /// </summary>
    public IReadOnlyList<GeneratedToken> PrefillChunk(int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        if (Done || Prefilled) return [];
        try
        {
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            var hidden = Prefill(maxTokens);
            return hidden is null ? [] : Accept(LastLogits(hidden));
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>
    /// Runs the next chunk of the prefill: on the first, restores the longest cached prefix; every chunk embeds its
    /// tokens (with the features of the pictures it covers) at the positions a whole prefill would give them
    /// (M-RoPE of a picture depends on all that precedes it) and appends their keys and values to the cache. Returns
    /// the chunk's hidden states once the prompt is complete, null before.
    /// </summary>
    Tensor? Prefill(int maxTokens)
    {
        if (_filled < 0) BeginPrefill();
        int from = _filled, n = Math.Min(maxTokens, _l - from);
        // The chunk's ids, kinds and positions, sliced on the host (a chunk never copies the whole prompt).
        var ids = new long[_b, n];
        var kinds = new TokenKind[_b, n];
        var positions = new long[3, _b, n];
        for (int i = 0; i < _b; i++)
            for (int j = 0; j < n; j++)
            {
                ids[i, j] = _inputs.InputIds[i, from + j];
                kinds[i, j] = _positions.Kinds[i, from + j];
                for (int a = 0; a < 3; a++) positions[a, i, j] = _positions.Positions[a, i, from + j];
            }
        var embeds = _model.Embed(tensor(ids), kinds, _imageFeatures?.Rows(from, from + n), _videoFeatures?.Rows(from, from + n));
        var hidden = _model.Decode(embeds, tensor(positions), MaskTensor(from + n), _cache);
        _filled += n;
        ComputedPromptTokens += n;
        if (_filled < _l) return null;
        if (_prefixable) _caches!.Prefix!.Store(_blocks, _blocks.Length, _cache, 0);
        ReleaseMedia();
        return hidden;
    }

    void BeginPrefill()
    {
        Telemetry?.PrefillStarting(); // telemetry
        var (images, videos) = MediaItem.Of(_inputs, _positions.Kinds, _model.Config.Vision.SpatialMergeSize);
        if (_caches is not null)
        {
            foreach (var m in images) m.ComputeHash(_inputs.PixelValues!);
            foreach (var m in videos) m.ComputeHash(_inputs.PixelValuesVideos!);
            (_images, _videos) = (images, videos);
        }
        if (_prefixable)
        {
            var prefix = _caches!.Prefix!;
            _blocks = BlockHashes.Compute(_history[0], images.Concat(videos), prefix.BlockTokens, _l / prefix.BlockTokens, _s.CacheSalt);
            // At least the last prompt token is prefilled: its hidden state gives the first logits.
            _reused = prefix.Restore(_blocks, (_l - 1) / prefix.BlockTokens, _cache, 0) * prefix.BlockTokens;
            _cache.Advance(_reused);
        }
        _filled = _reused;
        if (_inputs.PixelValues is not null) _imageFeatures = new MediaFeatures(_model, _inputs.PixelValues, images, _positions.Kinds, _caches?.Images) { Telemetry = Telemetry };
        if (_inputs.PixelValuesVideos is not null) _videoFeatures = new MediaFeatures(_model, _inputs.PixelValuesVideos, videos, _positions.Kinds, _caches?.Images) { Telemetry = Telemetry };
    }

    void ReleaseMedia()
    {
        _imageFeatures?.Dispose();
        _videoFeatures?.Dispose();
        _imageFeatures = _videoFeatures = null;
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
        var blocks = BlockHashes.Compute(ids, _images.Concat(_videos), prefix.BlockTokens, count, _s.CacheSalt);
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
            ReleaseMedia();
            _cache.Dispose();
            _sampler.Dispose();
        }
    }
}
