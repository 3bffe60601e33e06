using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Devices;

/// <summary>Where the engine reads device memory on the host (each read waits for the device's queued work).</summary>
internal enum SyncPoint
{
    /// <summary>The token ids a sampler drew (one read per sampler and step).</summary>
    SampledIds,
    /// <summary>The tokens routed to each expert of a mixture-of-experts layer (one read per MoE layer and forward).</summary>
    ExpertCounts,
}

/// <summary>
/// The one place the engine copies device values to the host during prefill and decode. Budget per decode step
/// (pinned by HostSyncTests): dense model 1 read per sampler (the sampled ids); mixture of experts 1 read per MoE
/// layer (the expert counts) plus the sampled ids. Host→device uploads of the step's token ids and positions are not
/// counted: they run after the previous read, when the device queue is already empty. A direct <c>item</c>/<c>data</c>
/// /<c>cpu()</c> elsewhere in the hot loop fails the meta-device tests (meta tensors have no data to read).
/// </summary>
internal static class HostSync
{
    static readonly AsyncLocal<SyncObserver?> s_observer = new();

    /// <summary>Copies an int64 tensor to the host.</summary>
    /// <param name="sum">the sum the values must have when known (the meta-device stand-in spreads it over the values)</param>
    public static long[] Int64s(Tensor values, SyncPoint point, long? sum = null)
    {
        var observer = s_observer.Value;
        if (observer is not null)
        {
            observer.Record(point);
            if (observer.MetaStandIn && values.device_type == DeviceType.META) return SyncObserver.StandIn(values.numel(), sum);
        }
        // .cpu() first: data<T>() on a CUDA tensor leaks its host copy (TorchSharp #1517).
        using var host = values.cpu();
        return host.data<long>().ToArray();
    }

    /// <summary>Counts the reads of the current async flow until disposed (tests, benchmarks).</summary>
    /// <param name="metaStandIn">answer reads of meta tensors (which hold no data) with stand-in values, so a meta run gets past them</param>
    public static SyncObserver Observe(bool metaStandIn = false)
    {
        var observer = new SyncObserver(metaStandIn, s_observer.Value, o => s_observer.Value = o);
        s_observer.Value = observer;
        return observer;
    }
}

/// <summary>Host reads counted by <see cref="HostSync.Observe"/>; disposing it restores the previous observer.</summary>
internal sealed class SyncObserver : IDisposable
{
    readonly SyncObserver? _previous;
    readonly Action<SyncObserver?> _restore;
    readonly int[] _counts = new int[Enum.GetValues<SyncPoint>().Length];

    internal SyncObserver(bool metaStandIn, SyncObserver? previous, Action<SyncObserver?> restore)
    {
        MetaStandIn = metaStandIn;
        _previous = previous;
        _restore = restore;
    }

    public bool MetaStandIn { get; }
    public int Count(SyncPoint point) => Volatile.Read(ref _counts[(int)point]);
    public int Total => _counts.Sum();

    internal void Record(SyncPoint point) => Interlocked.Increment(ref _counts[(int)point]);

    /// <summary>Zeros (token 0), or <paramref name="sum"/> spread evenly (every expert gets tokens).</summary>
    internal static long[] StandIn(long count, long? sum)
    {
        var values = new long[count];
        if (sum is long s && count > 0)
            for (long i = 0; i < count; i++) values[i] = s / count + (i < s % count ? 1 : 0);
        return values;
    }

    public void Dispose() => _restore(_previous);
}
