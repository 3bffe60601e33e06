using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Model;
using static TorchSharp.torch;

namespace Glm4vSK.Benchmarks;

/// <summary>
/// The "pure kernel" estimate of one batch-1 decode step: one <c>F.linear</c> of a one-token input against every 2-D
/// weight of the text decoder (q/k/v/o, gate_up, down per layer) and against <c>lm_head</c>, back to back, in the
/// shapes the engine uses: [1, 1, in] for the decoder (hidden states are [B, L, H]) and [1, in] for lm_head (the engine
/// squeezes the last position). The shape matters: on 2 threads, bf16 <c>F.linear</c> of a 2-D [1, in] row was seen
/// to stall for milliseconds per call under CPU contention where the 3-D form did not. At batch 1 these
/// GEMVs read every decoder weight once and account for nearly all bytes a step moves, so their summed time is the
/// floor an eager loop can approach; whatever the real step takes beyond it is per-op dispatch overhead plus the
/// small kernels (norms, rotary, attention over the cache, sampling).
/// </summary>
internal sealed class GemvFloor : IDisposable
{
    const string LayerPrefix = "model.language_model.layers.";
    readonly Checkpoint _checkpoint;
    readonly List<(Tensor W, Tensor X)> _pairs = [];
    readonly List<Tensor> _owned = [];

    public GemvFloor(string modelDir, ScalarType dtype)
    {
        var config = Glm4vConfig.Load(modelDir);
        _checkpoint = Checkpoint.Open(modelDir);
        try
        {
            var expected = Glm4vModel.ExpectedTensors(config);
            var names = expected
                .Where(e => e.Name.StartsWith(LayerPrefix, StringComparison.Ordinal) && e.Shape.Length == 2)
                .Select(e => e.Name)
                .ToList();
            // Untied checkpoints carry lm_head; a tied one multiplies by the embedding table instead.
            names.Add(expected.Any(e => e.Name == "lm_head.weight") ? "lm_head.weight" : "model.language_model.embed_tokens.weight");

            var inputs = new Dictionary<(long, bool), Tensor>();
            using var gen = new Generator(7);
            foreach (var name in names)
            {
                bool decoder = name.StartsWith(LayerPrefix, StringComparison.Ordinal);
                var view = _checkpoint.Read(name);
                Tensor w;
                if (view.dtype == dtype) w = view; // fp32 stays a zero-copy view of the mapping, like the engine's weights
                else
                {
                    w = view.to(dtype);
                    view.Dispose();
                }
                _owned.Add(w);
                long inFeatures = w.shape[1];
                if (!inputs.TryGetValue((inFeatures, decoder), out var x))
                {
                    using var n = randn(decoder ? [1, 1, inFeatures] : [1, inFeatures], generator: gen);
                    x = n.to(dtype);
                    if (ReferenceEquals(x, n)) x = n.clone();
                    inputs[(inFeatures, decoder)] = x;
                    _owned.Add(x);
                }
                _pairs.Add((w, x));
                WeightBytes += w.NumberOfElements * w.ElementSize;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Count => _pairs.Count;
    public long WeightBytes { get; }

    /// <summary>One pass over every weight, as a decode step would make it (inference mode, one dispose scope).</summary>
    public void Pass()
    {
        using var mode = inference_mode();
        using var scope = NewDisposeScope();
        foreach (var (w, x) in _pairs) nn.functional.linear(x, w);
    }

    public void Dispose()
    {
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
        _pairs.Clear();
        _checkpoint.Dispose();
    }
}
