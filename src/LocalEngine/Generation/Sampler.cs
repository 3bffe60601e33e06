using Glm4vSK.LocalEngine.Devices;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Generation;

/// <summary>Picks the next token of each row from fp32 logits [B, V]: penalty → temperature → top-k → top-p → draw.</summary>
internal sealed class Sampler : IDisposable
{
    readonly ResolvedSampling _s;
    readonly TorchSharp.torch.Generator? _rng;

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
        if (!_s.DoSample) return HostSync.Int64s(scores.argmax(-1), SyncPoint.SampledIds);
        if (_s.Temperature != 1f) scores = scores / _s.Temperature;
        if (_s.TopK > 0) scores = TopK(scores, _s.TopK);
        if (_s.TopP < 1f) scores = TopP(scores, _s.TopP);
        var probs = scores.softmax(-1);
        return HostSync.Int64s(probs.multinomial(1, generator: _rng).squeeze(-1), SyncPoint.SampledIds);
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

    public void Dispose() => _rng?.Dispose();
}
