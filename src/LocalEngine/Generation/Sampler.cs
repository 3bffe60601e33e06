using Glm4vSK.LocalEngine.Devices;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Generation;

/// <summary>
/// Picks the next token of each row from fp32 logits [B, V]: repetition, frequency and presence penalties →
/// temperature → top-k → top-p → min-p → draw. Keeps the counts of the tokens it picked (on the logits' device) for the
/// frequency and presence penalties, which concern generated tokens only.
/// </summary>
internal sealed class Sampler : IDisposable
{
    readonly ResolvedSampling _s;
    readonly TorchSharp.torch.Generator? _rng;
    Tensor? _counts; // [B, V] fp32: times each token was picked; only with a frequency or presence penalty

    public Sampler(ResolvedSampling s, Device device)
    {
        _s = s;
        if (s.DoSample)
        {
            _rng = new TorchSharp.torch.Generator((ulong)(s.Seed ?? Random.Shared.NextInt64()), device);
        }
    }

    /// <param name="logits">[B, V] fp32</param>
    /// <param name="history">[B, T] int64 ids already in each sequence (for the repetition penalty), or null</param>
    public long[] Next(Tensor logits, Tensor? history)
    {
        using var scope = NewDisposeScope();
        var scores = ApplyRepetitionPenalty(logits, history, _s.RepetitionPenalty);
        if (_counts is not null) scores = ApplyOutputPenalties(scores, _counts, _s.FrequencyPenalty, _s.PresencePenalty);
        long[] next;
        if (!_s.DoSample) next = HostSync.Int64s(scores.argmax(-1), SyncPoint.SampledIds);
        else
        {
            if (_s.Temperature != 1f) scores = scores / _s.Temperature;
            if (_s.TopK > 0) scores = TopK(scores, _s.TopK);
            if (_s.TopP < 1f) scores = TopP(scores, _s.TopP);
            if (_s.MinP > 0f) scores = MinP(scores, _s.MinP);
            var probs = scores.softmax(-1);
            next = HostSync.Int64s(probs.multinomial(1, generator: _rng).squeeze(-1), SyncPoint.SampledIds);
        }
        if (_s.FrequencyPenalty != 0f || _s.PresencePenalty != 0f) Count(logits, next);
        return next;
    }

    /// <summary>Adds the picked ids to the per-row counts (a scatter on the device: no extra host synchronisation).</summary>
    void Count(Tensor logits, long[] next)
    {
        long vocab = logits.shape[1];
        if (_counts is null)
        {
            _counts = zeros(logits.shape[0], vocab, dtype: ScalarType.Float32, device: logits.device);
            _counts.DetachFromDisposeScope();
        }
        var flat = new long[next.Length];
        for (int i = 0; i < next.Length; i++) flat[i] = i * vocab + next[i];
        _counts.view(-1).index_add_(0, tensor(flat, device: logits.device), ones(next.Length, dtype: ScalarType.Float32, device: logits.device), 1);
    }

    /// <summary>OpenAI/vLLM: logit − frequency × count − presence × (count &gt; 0), over the generated tokens' counts [B, V].</summary>
    public static Tensor ApplyOutputPenalties(Tensor scores, Tensor counts, float frequency, float presence)
    {
        if (frequency != 0f) scores = scores - counts * frequency;
        if (presence != 0f) scores = scores - counts.gt(0).to(scores.dtype) * presence;
        return scores;
    }

    /// <summary>Drops tokens whose probability is below <paramref name="minP"/> × the row's highest (the most likely always stays).</summary>
    public static Tensor MinP(Tensor scores, float minP)
    {
        var probs = scores.softmax(-1);
        var threshold = probs.amax([-1], keepdim: true) * minP;
        return scores.masked_fill(probs.lt(threshold), float.NegativeInfinity);
    }

    public static Tensor ApplyRepetitionPenalty(Tensor scores, Tensor? history, float penalty)
    {
        if (history is null || penalty == 1f || history.shape[1] == 0) return scores;
        var idx = history.to(scores.device);
        var picked = scores.gather(1, idx);
        picked = where(picked.lt(0), picked * penalty, picked / penalty);
        return scores.scatter(1, idx, picked);
    }

    public static Tensor TopK(Tensor scores, int k)
    {
        k = (int)Math.Min(k, scores.shape[^1]);
        var (values, _) = scores.topk(k, -1);
        var kth = values.narrow(-1, k - 1, 1);
        return scores.masked_fill(scores.lt(kth), float.NegativeInfinity);
    }

    public static Tensor TopP(Tensor scores, float p)
    {
        var (sorted, indices) = scores.sort(-1, descending: false);
        var cumulative = sorted.softmax(-1).cumsum(-1);
        var remove = cumulative.le(1 - p);
        remove.narrow(-1, remove.shape[^1] - 1, 1).fill_(false); // always keep the most likely token
        var unsorted = remove.scatter(-1, indices, remove);
        return scores.masked_fill(unsorted, float.NegativeInfinity);
    }

    public void Dispose()
    {
        _rng?.Dispose();
        _counts?.Dispose();
    }
}
