using Glm4vSK.LocalEngine.Devices;
using Glm4vSK.LocalEngine.Generation;
using Glm4vSK.LocalEngine.Model;
using Glm4vSK.LocalEngine.Scheduling;
using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Devices;

/// <summary>
/// Device hygiene without a GPU: the model is built with every weight on PyTorch's meta device and a whole generation
/// runs on it (vision tower, placeholder merge, prefill, greedy decode steps, batched decode, MoE routing and experts),
/// so a tensor created on the CPU by mistake meets meta tensors and fails with a device-mismatch error, and a direct
/// host read (meta tensors hold no data) fails unless it goes through <see cref="HostSync"/>, whose stand-in answers
/// meta reads. Not runnable on meta in libtorch 2.10 (no meta kernel): multinomial (sampling draws) and where
/// (repetition penalty) — covered by the CPU sampler tests; SDPA — <see cref="GroupedAttention"/> checks q/k/v/mask
/// devices and stands in with matmul + softmax on meta.
/// </summary>
public class MetaDeviceTests
{
    static readonly Device Meta = new(DeviceType.META);

    [Theory]
    [MemberData(nameof(MetaModels.Names), MemberType = typeof(MetaModels))]
    public void GenerationRunsOnMetaWithEveryTensorOnIt(string name)
    {
        var c = MetaModels.Config(name);
        using var model = Glm4vModel.OnMeta(c, ScalarType.BFloat16);
        MetaModels.AllOn(Meta, model.OwnedTensors(), $"{name}: weights and buffers");
        using var inputs = MetaModels.ImagePrompt(c);
        using var sync = HostSync.Observe(metaStandIn: true);
        const int newTokens = 3;
        using (var generator = new TokenGenerator(model, inputs, MetaModels.Greedy(c, newTokens), contextTokens: inputs.Length + newTokens))
        {
            MetaModels.AllOn(Meta, generator.Cache.Tensors, $"{name}: KV cache");
            int steps = 0;
            while (!generator.Done)
            {
                Assert.Single(generator.Step());
                steps++;
            }
            Assert.Equal(newTokens, steps);
            Assert.Equal(inputs.Length + newTokens - 1, generator.Cache.Length);
        }
        // Every forward went through the routed host reads (and only those): one sampled-ids read per step, the
        // expert counts once per MoE layer and forward.
        Assert.Equal(newTokens, sync.Count(SyncPoint.SampledIds));
        Assert.Equal(newTokens * MetaModels.MoeLayers(c), sync.Count(SyncPoint.ExpertCounts));
    }

    [Theory]
    [MemberData(nameof(MetaModels.Names), MemberType = typeof(MetaModels))]
    public async Task BatchedDecodeRunsOnMeta(string name)
    {
        var c = MetaModels.Config(name);
        using var model = Glm4vModel.OnMeta(c, ScalarType.BFloat16);
        using var sync = HostSync.Observe(metaStandIn: true); // flows into the scheduler's thread with the execution context
        var gate = new SemaphoreSlim(1, 1); // not disposed: the scheduler's thread takes it once more before it ends
        var scheduler = new BatchScheduler(model, contextTokens: 64, caches: null, gate, maxBatch: 4, prefillBudget: 2048);
        var inputs = Enumerable.Range(0, 3).Select(_ => MetaModels.ImagePrompt(c)).ToList();
        var requests = new List<SequenceRequest>();
        using (scheduler.Pause())
            requests.AddRange(inputs.Select(i => scheduler.Submit(i, MetaModels.Greedy(c, 4))));
        foreach (var r in requests)
        {
            int tokens = 0;
            await foreach (var _ in r.Tokens.ReadAllAsync()) tokens++;
            Assert.Equal(4, tokens);
        }
        Assert.Equal(3, scheduler.PeakBatchSize);
        foreach (var i in inputs) i.Dispose();
    }

    /// <summary>Acceptance: the meta run catches a tensor made without <c>device:</c> (here injected after a layer).</summary>
    [Fact]
    public void StrayCpuTensorFailsTheMetaRun()
    {
        var error = FirstStepWith(h => h + ones(h.shape)); // the typical bug: a factory call without device:
        Assert.Contains("same device", error.Message);
        Assert.Contains("cpu", error.Message);
    }

    /// <summary>Acceptance: a direct host read in the hot loop (bypassing <see cref="HostSync"/>) fails the meta run.</summary>
    [Fact]
    public void UnroutedHostReadFailsTheMetaRun()
    {
        var error = FirstStepWith(h =>
        {
            _ = h.abs().max().item<float>(); // a new sync someone might add
            return h;
        });
        Assert.Contains("meta", error.Message);
    }

    /// <summary>The error of the first step (the prefill) of a meta run whose layers are followed by <paramref name="afterLayer"/>; the same run without it passes (the theories above).</summary>
    static Exception FirstStepWith(Func<Tensor, Tensor> afterLayer)
    {
        var c = MetaModels.Config(MetaModels.Smallest);
        using var model = Glm4vModel.OnMeta(c, ScalarType.Float32);
        using var inputs = MetaModels.ImagePrompt(c);
        using var sync = HostSync.Observe(metaStandIn: true);
        model.AfterLayer = afterLayer;
        using var generator = new TokenGenerator(model, inputs, MetaModels.Greedy(c, 2), contextTokens: 64);
        return Assert.ThrowsAny<Exception>(() => generator.Step());
    }

    [Fact]
    public void AttentionStandInChecksDevices()
    {
        using var q = empty([1, 2, 3, 8], ScalarType.Float32, Meta);
        using var k = empty([1, 2, 5, 8], ScalarType.Float32, Meta);
        using var cpuV = zeros([1, 2, 5, 8]);
        using var v = empty([1, 2, 5, 8], ScalarType.Float32, Meta);
        using var o = GroupedAttention.Forward(q, k, v, null, 1 / Math.Sqrt(8));
        Assert.Equal([1L, 3, 16], o.shape);
        Assert.Equal(DeviceType.META, o.device_type);
        var error = Assert.Throws<InvalidOperationException>(() => GroupedAttention.Forward(q, k, cpuV, null, 1 / Math.Sqrt(8)));
        Assert.Contains("value is on cpu", error.Message);
    }
}
