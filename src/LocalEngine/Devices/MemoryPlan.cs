using Glm4vSK.LocalEngine.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Devices;

/// <summary>
/// How the engine divides its device's memory, decided before the weights load: the weights, a reserve for one
/// step's activations, the prefix and image caches (each capped to a share of what the weights leave), and the KV
/// cache, which sets the context window when <see cref="EngineOptions.MaxContextTokens"/> is null. Made for CUDA
/// devices (free memory measured) and for any device given <see cref="EngineOptions.DeviceMemoryBytes"/>.
/// </summary>
public sealed record MemoryPlan
{
    /// <summary>Share of the memory after weights and reserve that the prefix cache may take at most (¼).</summary>
    public const int PrefixCacheShare = 4;
    /// <summary>Share the image-embedding cache may take at most (1/16).</summary>
    public const int ImageCacheShare = 16;
    /// <summary>Fixed part of the activation reserve (allocator slack, libraries' workspaces).</summary>
    public const long FixedReserveBytes = 512L << 20;

    /// <summary>Bytes the engine may use on its device.</summary>
    public required long DeviceBytes { get; init; }
    /// <summary>Where <see cref="DeviceBytes"/> came from: "EngineOptions.DeviceMemoryBytes" or "free memory (cudaMemGetInfo)".</summary>
    public required string Source { get; init; }
    public required long WeightBytes { get; init; }
    /// <summary>Activations of one prefill step (<see cref="EngineOptions.MaxPrefillTokensPerStep"/> tokens) and one batched decode step's logits, plus <see cref="FixedReserveBytes"/>.</summary>
    public required long ReserveBytes { get; init; }
    public required long PrefixCacheBytes { get; init; }
    public required long ImageCacheBytes { get; init; }
    /// <summary>What is left for KV caches (all concurrent sequences together).</summary>
    public required long KvCacheBytes { get; init; }
    public required long KvBytesPerToken { get; init; }
    /// <summary>The context window: the requested one, or as many tokens as <see cref="KvCacheBytes"/> holds when that is less.</summary>
    public required int ContextTokens { get; init; }

    /// <summary>The plan for <paramref name="device"/>, or null when its memory is neither given nor measurable (CPU without a budget).</summary>
    /// <exception cref="DeviceMemoryException">The weights, or the weights and the requested context, do not fit.</exception>
    internal static MemoryPlan? Make(Glm4vConfig config, ScalarType dtype, Device device, EngineOptions options)
    {
        string source;
        long budget;
        if (options.DeviceMemoryBytes is long given) (budget, source) = (given, "EngineOptions.DeviceMemoryBytes");
        else if (DeviceMemory.Free(device) is long free) (budget, source) = (free, "free memory (cudaMemGetInfo)");
        else return null;

        var t = config.Text;
        long esize = dtype switch { ScalarType.Float32 => 4, ScalarType.Float64 => 8, _ => 2 };
        // The fp32 MoE router weights count at the compute dtype here (well under 0.1 % of the model).
        long weights = Glm4vModel.ExpectedTensors(config).Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b)) * esize;
        string where = $"{options.Device} ({DeviceMemory.Format(budget)}, {source})";
        if (weights > budget)
            throw new DeviceMemoryException(
                $"The model's weights need {DeviceMemory.Format(weights)} as {dtype} but {where} has less. What helps: " +
                $"EngineOptions.DType = BFloat16 or Float16 ({(esize > 2 ? "half of " + dtype : "already the smallest dtype")}; the engine has no quantisation), " +
                "EngineOptions.Device = \"cpu\" (weights memory-mapped, slower) or a GPU with more memory, a smaller checkpoint, " +
                "or freeing the device (other processes).", options.Device, weights, budget);

        long reserve = FixedReserveBytes
            + (long)options.MaxPrefillTokensPerStep * (4L * t.HiddenSize + 2L * t.IntermediateSize) * esize
            + (long)options.MaxBatchSize * t.VocabSize * 4 * 2;
        long left = budget - weights - reserve;
        long prefix = Math.Clamp(Math.Min(options.PrefixCacheBytes, left / PrefixCacheShare), 0, long.MaxValue);
        long image = Math.Clamp(Math.Min(options.ImageCacheBytes, left / ImageCacheShare), 0, long.MaxValue);
        long kv = left - prefix - image;
        long perToken = 2L * t.NumHiddenLayers * t.NumKeyValueHeads * t.HeadDim * esize;
        long fits = Math.Max(0, kv / perToken);
        int requested = Math.Min(options.MaxContextTokens ?? t.MaxPositionEmbeddings, t.MaxPositionEmbeddings);
        const int minimum = 256;
        if (fits < Math.Min(requested, minimum) || (options.MaxContextTokens is not null && fits < requested))
        {
            long need = weights + reserve + (long)requested * perToken;
            throw new DeviceMemoryException(
                $"{where} holds the weights ({DeviceMemory.Format(weights)} as {dtype}) but not a KV cache of {requested} tokens " +
                $"({DeviceMemory.Format(perToken * requested)}, {perToken / 1024.0:0.#} KB per token) next to the activation reserve " +
                $"({DeviceMemory.Format(reserve)}): {Math.Max(0, fits)} tokens fit. What helps: a lower EngineOptions.MaxContextTokens " +
                $"(or null to size it from the memory), a lower MaxPrefillTokensPerStep or MaxBatchSize (smaller reserve), " +
                "DType = BFloat16 or Float16, or a device with more memory.", options.Device, need, budget);
        }
        return new MemoryPlan
        {
            DeviceBytes = budget,
            Source = source,
            WeightBytes = weights,
            ReserveBytes = reserve,
            PrefixCacheBytes = prefix,
            ImageCacheBytes = image,
            KvCacheBytes = kv,
            KvBytesPerToken = perToken,
            ContextTokens = (int)Math.Min(requested, fits),
        };
    }
}
