using Glm4vSK.LocalEngine.Devices;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Model;

/// <summary>
/// GLM-4.5V/4.6V mixture-of-experts MLP. Router in fp32: <c>s = sigmoid(h·Wgᵀ)</c>; experts are chosen by
/// <c>s + e_score_correction_bias</c> within the best <c>topk_group</c> groups (group score = sum of its top-2), and
/// weighted by the unbiased <c>s</c> (normalised if <c>norm_topk_prob</c>, times <c>routed_scaling_factor</c>). Each
/// expert runs once per forward on the tokens routed to it; routed outputs are accumulated in fp32, then the shared
/// experts are added. Experts stay in the hub's per-expert layout, as views of the memory-mapped checkpoint.
/// </summary>
internal sealed class MixtureOfExperts : ModelPart
{
    readonly MoeConfig _c;
    readonly Tensor _router;             // [E, H] fp32
    readonly Tensor _bias;               // [E] fp32
    readonly SwiGluMlp[] _experts;
    readonly SwiGluMlp? _shared;
    readonly int _experts_count;

    public MixtureOfExperts(WeightLoader w, string prefix, TextConfig t)
    {
        _c = t.Moe!;
        _experts_count = _c.NRoutedExperts;
        _router = Own(w.Take(prefix + ".gate.weight", [_c.NRoutedExperts, t.HiddenSize], keepDType: ScalarType.Float32));
        _bias = Own(w.Take(prefix + ".gate.e_score_correction_bias", [_c.NRoutedExperts], keepDType: ScalarType.Float32));
        _experts = Enumerable.Range(0, _c.NRoutedExperts)
            .Select(e => Own(new SwiGluMlp(w, $"{prefix}.experts.{e}", t.HiddenSize, _c.MoeIntermediateSize, t.HiddenAct))).ToArray();
        if (_c.NSharedExperts > 0)
            _shared = Own(new SwiGluMlp(w, prefix + ".shared_experts", t.HiddenSize, (long)_c.MoeIntermediateSize * _c.NSharedExperts, t.HiddenAct));
    }

    /// <param name="x">[B, L, H]</param>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long h = x.shape[^1];
        var flat = x.reshape(-1, h);
        var (indices, weights) = Route(flat);                          // [T, k] int64, [T, k] fp32
        var routed = RunExperts(flat, indices, weights).to(x.dtype);
        if (_shared is not null) routed = routed + _shared.Forward(flat);
        return routed.view(x.shape).MoveToOuterDisposeScope();
    }

    /// <summary>The experts each token goes to and their weights.</summary>
    internal (Tensor Indices, Tensor Weights) Route(Tensor flat)
    {
        using var scope = NewDisposeScope();
        var scores = nn.functional.linear(flat.to(ScalarType.Float32), _router).sigmoid();   // [T, E]
        var choice = scores + _bias;
        if (_c.NGroup > 1)
        {
            long t = choice.shape[0], perGroup = _experts_count / _c.NGroup;
            var grouped = choice.view(t, _c.NGroup, perGroup);
            var groupScores = grouped.topk(Math.Min(2, (int)perGroup), -1).values.sum(-1);     // [T, G]
            var keep = groupScores.topk(_c.TopkGroup, -1).indexes;                             // [T, topk_group]
            // The dropped groups marked directly (logical_not has no meta kernel; the device tests run this on meta).
            var dropped = ones_like(groupScores, dtype: ScalarType.Bool).scatter(1, keep, zeros_like(keep, dtype: ScalarType.Bool));
            choice = grouped.masked_fill(dropped.unsqueeze(-1), 0.0).view(t, _experts_count);
        }
        var indices = choice.topk(_c.NumExpertsPerTok, -1).indexes;
        var weights = scores.gather(1, indices);
        if (_c.NormTopkProb) weights = weights / (weights.sum(-1, keepdim: true) + 1e-20);
        if (_c.RoutedScalingFactor != 1.0) weights = weights * _c.RoutedScalingFactor;
        return (indices.MoveToOuterDisposeScope(), weights.MoveToOuterDisposeScope());
    }

    Tensor RunExperts(Tensor flat, Tensor indices, Tensor weights)
    {
        using var scope = NewDisposeScope();
        long k = indices.shape[1];
        var flatIdx = indices.flatten();                                                  // [T·k]
        var (sortedExperts, order) = flatIdx.sort();
        var tokenOf = order.div(k, rounding_mode: RoundingMode.floor);                   // token of each sorted slot
        var weightOf = weights.flatten()[order];
        // One host sync for the per-expert counts, then each active expert runs once on its tokens. Counted with
        // index_add_ rather than bincount, which has no meta-device kernel (the device-hygiene tests run this on meta).
        var perExpert = zeros([_experts_count], ScalarType.Int64, flatIdx.device).index_add_(0, flatIdx, ones_like(flatIdx), 1);
        long[] counts = HostSync.Int64s(perExpert, SyncPoint.ExpertCounts, sum: flatIdx.shape[0]);
        var output = zeros([flat.shape[0], flat.shape[1]], ScalarType.Float32, flat.device);
        long start = 0;
        for (int e = 0; e < counts.Length; e++)
        {
            long n = counts[e];
            if (n == 0) continue;
            using var expertScope = NewDisposeScope();
            var tokens = tokenOf.narrow(0, start, n);
            var y = _experts[e].Forward(flat[tokens]).to(ScalarType.Float32) * weightOf.narrow(0, start, n).unsqueeze(1);
            output.index_add_(0, tokens, y, 1);
            start += n;
        }
        return output.MoveToOuterDisposeScope();
    }
}
