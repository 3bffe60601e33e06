using Glm4vSK.LocalEngine.Caching;
using Glm4vSK.LocalEngine.Generation;
using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Scheduling;

/// <summary>
/// Continuous batching of one-row requests. One loop (a thread of its own while anything is pending or running)
/// repeats: drop cancelled requests; spend the step's prefill token budget on chunks of prompts — those already
/// begun first, then waiting ones (with prefix reuse) while the batch has room — so a long prompt joins over several
/// steps instead of stalling the running sequences; then run ONE decode step over every running sequence — batched
/// embedding, projections, MLPs and lm_head, attention per sequence over its own KV cache — and sample each row with
/// its own sampler. Each iteration holds the engine's gate, so a request on the unbatched path runs between
/// iterations.
/// </summary>
internal sealed class BatchScheduler
{
    readonly Glm4vModel _model;
    readonly int _contextTokens, _maxBatch, _prefillBudget;
    readonly EngineCaches? _caches;
    readonly SemaphoreSlim _gate;
    readonly Lock _lock = new();
    readonly Queue<SequenceRequest> _pending = new();
    readonly List<SequenceRequest> _prefilling = [];
    readonly List<SequenceRequest> _running = [];
    bool _looping, _closed;

    public BatchScheduler(Glm4vModel model, int contextTokens, EngineCaches? caches, SemaphoreSlim gate, int maxBatch, int prefillBudget)
    {
        _model = model;
        _contextTokens = contextTokens;
        _caches = caches;
        _gate = gate;
        _maxBatch = maxBatch;
        _prefillBudget = prefillBudget;
    }

    /// <summary>Sequences in the last decode step (tests, benchmarks).</summary>
    public int LastBatchSize { get; private set; }
    /// <summary>Largest decode batch so far.</summary>
    public int PeakBatchSize { get; private set; }

    /// <summary>Requests waiting or running.</summary>
    public int ActiveCount
    {
        get { lock (_lock) return _running.Count + _prefilling.Count + _pending.Count; }
    }

    /// <summary>
    /// The memory plan's KV budget (all concurrent sequences together) and bytes per token, or null (unplanned: CPU
    /// without a budget). A waiting request joins only while the preallocated KV caches of the batch (prompt + its
    /// largest answer each) and its own fit in it; alone it always does (the plan's context window fits the budget).
    /// </summary>
    public (long Bytes, long PerToken)? KvBudget { get; init; }

    /// <summary>The engine's metrics (decode batch sizes); each request brings its own <see cref="Telemetry.RequestTelemetry"/>.</summary>
    public Telemetry.EngineTelemetry? Telemetry { get; init; }

    /// <summary>Test hook: the number of sequences of each decode step.</summary>
    public Action<int>? OnDecodeStep { get; set; }
    /// <summary>Test hook: the prompt tokens of each prefill chunk of one loop iteration (when any ran).</summary>
    public Action<IReadOnlyList<int>>? OnPrefillStep { get; set; }

    /// <summary>Holds the loop between two iterations until disposed (tests: requests submitted meanwhile join together).</summary>
    public IDisposable Pause()
    {
        _gate.Wait();
        return new Release(_gate);
    }

    sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) gate.Release();
        }
    }

    /// <summary>Queues a one-row request; it is prefilled and joins the batch at the loop's next iteration.</summary>
    public SequenceRequest Submit(ModelInputs inputs, ResolvedSampling sampling, Action<Tensor>? onLogits = null, Telemetry.RequestTelemetry? telemetry = null)
    {
        if (inputs.BatchSize != 1) throw new ArgumentException("The batch scheduler takes one-row requests.", nameof(inputs));
        var request = new SequenceRequest(inputs, sampling, onLogits) { Telemetry = telemetry };
        bool start;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _pending.Enqueue(request);
            start = !_looping;
            _looping = true;
        }
        if (start) new Thread(Loop, maxStackSize: 16 << 20) { IsBackground = true, Name = "Glm4vSK batch scheduler" }.Start();
        return request;
    }

    /// <summary>Fails every request with <paramref name="error"/> and refuses new ones. Call holding the gate.</summary>
    public void Close(Exception error)
    {
        lock (_lock) _closed = true;
        FailAll(error);
    }

    void FailAll(Exception error)
    {
        List<SequenceRequest> all;
        lock (_lock)
        {
            all = [.. _running, .. _prefilling, .. _pending];
            _running.Clear();
            _prefilling.Clear();
            _pending.Clear();
        }
        foreach (var r in all) r.Finish(error);
    }

    void Loop()
    {
        while (true)
        {
            _gate.Wait();
            try
            {
                lock (_lock)
                {
                    if (_closed || (_running.Count == 0 && _prefilling.Count == 0 && _pending.Count == 0))
                    {
                        _looping = false;
                        return;
                    }
                }
                DropCancelled();
                Prefill();
                if (_running.Count > 0) DecodeStep();
            }
            catch (Exception e)
            {
                // Not expected (steps catch their own errors), but this thread must not die holding requests.
                FailAll(e);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    void DropCancelled()
    {
        List<SequenceRequest> cancelled;
        lock (_lock)
        {
            cancelled = [.. _running.Concat(_prefilling).Where(r => r.Cancelled)];
            foreach (var r in cancelled) { _running.Remove(r); _prefilling.Remove(r); }
        }
        foreach (var r in cancelled) r.Finish(new OperationCanceledException("The request was cancelled."));
    }

    /// <summary>
    /// Spends the step's prefill budget: the next chunks of prompts already begun, oldest first, then waiting requests
    /// while the batch (running + prefilling) has room. Each chunk runs alone; one that fails fails only its request.
    /// </summary>
    void Prefill()
    {
        var chunks = new List<int>();
        PrefillWithin(_prefillBudget, chunks);
        if (chunks.Count > 0) OnPrefillStep?.Invoke(chunks);
    }

    void PrefillWithin(int budget, List<int> chunks)
    {
        foreach (var r in _prefilling.ToList())
        {
            if (budget == 0) return;
            budget -= Chunk(r, budget, chunks);
        }
        while (budget > 0)
        {
            SequenceRequest? r;
            lock (_lock)
            {
                if (_running.Count + _prefilling.Count >= _maxBatch || !_pending.TryPeek(out r)) return;
                if (!r.Cancelled && !KvFits(r)) return; // waits for a sequence to leave; FIFO, so nothing overtakes it
                _pending.Dequeue();
            }
            if (r.Cancelled)
            {
                r.Finish(new OperationCanceledException("The request was cancelled."));
                continue;
            }
            try
            {
                r.Generator = new TokenGenerator(_model, r.Inputs, r.Sampling, _contextTokens, _caches) { OnLogits = r.OnLogits, Telemetry = r.Telemetry };
            }
            catch (Exception e)
            {
                r.Finish(e);
                continue;
            }
            lock (_lock) _prefilling.Add(r);
            budget -= Chunk(r, budget, chunks);
        }
    }

    /// <summary>Whether <paramref name="r"/>'s KV cache fits the budget next to those of the batch. Call holding the lock.</summary>
    bool KvFits(SequenceRequest r)
    {
        if (KvBudget is not (long bytes, long perToken) || _running.Count + _prefilling.Count == 0) return true;
        long tokens = _running.Concat(_prefilling).Sum(KvTokens) + KvTokens(r);
        return tokens * perToken <= bytes;
    }

    /// <summary>Positions a request's KV cache is allocated for: its prompt and its largest answer (as <see cref="TokenGenerator"/> sizes it).</summary>
    long KvTokens(SequenceRequest r) => r.Inputs.Length + Math.Max(0, Math.Min(r.Sampling.MaxNewTokens, _contextTokens - r.Inputs.Length));

    /// <summary>Prefills up to <paramref name="budget"/> tokens of <paramref name="r"/>'s prompt; returns the tokens it ran.</summary>
    int Chunk(SequenceRequest r, int budget, List<int> chunks)
    {
        var g = r.Generator!;
        int before = g.ComputedPromptTokens;
        try
        {
            foreach (var t in g.PrefillChunk(budget)) r.Write(t);
        }
        catch (Exception e)
        {
            lock (_lock) _prefilling.Remove(r);
            r.Finish(e);
            return budget; // whatever it ran is lost with it
        }
        int ran = g.ComputedPromptTokens - before;
        chunks.Add(ran);
        if (!g.Prefilled) return ran;
        lock (_lock)
        {
            _prefilling.Remove(r);
            if (!g.Done) _running.Add(r);
        }
        if (g.Done) r.Finish();
        return ran;
    }

    void DecodeStep()
    {
        var batch = _running.ToList();
        LastBatchSize = batch.Count;
        PeakBatchSize = Math.Max(PeakBatchSize, batch.Count);
        try
        {
            OnDecodeStep?.Invoke(batch.Count);
            Telemetry?.DecodeStep(batch.Count);
            using var mode = inference_mode();
            using var scope = NewDisposeScope();
            var ids = new long[batch.Count];
            var pos = new long[3, batch.Count, 1];
            for (int i = 0; i < batch.Count; i++)
            {
                var g = batch[i].Generator!;
                ids[i] = g.LastToken;
                pos[0, i, 0] = pos[1, i, 0] = pos[2, i, 0] = g.NextPosition;
            }
            var embeds = _model.Embed(tensor(ids, device: _model.Device).view(batch.Count, 1), null, null, null);
            var hidden = _model.DecodeBatch(embeds, tensor(pos), new KvBatch(batch.Select(r => r.Generator!.Cache).ToList()));
            var logits = _model.Logits(hidden.squeeze(1)).to(ScalarType.Float32);
            for (int i = 0; i < batch.Count; i++)
                foreach (var t in batch[i].Generator!.Accept(logits.narrow(0, i, 1))) batch[i].Write(t);
        }
        catch (Exception e)
        {
            // Every cache of the step may be half written: all its requests fail; the engine stays usable.
            lock (_lock) _running.Clear();
            foreach (var r in batch) r.Finish(e);
            return;
        }
        foreach (var r in batch.Where(r => r.Generator!.Done))
        {
            lock (_lock) _running.Remove(r);
            r.Finish();
        }
    }
}
