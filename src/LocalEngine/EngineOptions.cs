using System.Globalization;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>How to load and run a model. Immutable; use <c>with</c> to derive variants.</summary>
public sealed record EngineOptions
{
    /// <summary>Upper bound of <see cref="CpuThreads"/>: far above any machine's core count, well below what exhausts a thread pool.</summary>
    public const int MaxCpuThreads = 1024;

    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Compute dtype (Float32, BFloat16 or Float16). Null keeps the checkpoint's dtype, so nothing is converted and the weights stay memory-mapped on CPU.</summary>
    public ScalarType? DType { get; init; }
    /// <summary>Context window (prompt + generated tokens). Null uses the model's max_position_embeddings.</summary>
    public int? MaxContextTokens { get; init; }
    /// <summary>Load even if the checkpoint holds tensors the model does not use (they are ignored).</summary>
    public bool AllowUnexpectedWeights { get; init; }
    /// <summary>Tokenizer/template/media settings (template family, video sampling rule, media access policy).</summary>
    public Processing.ProcessorOptions? Processor { get; init; }
    /// <summary>Intra-op CPU threads for TorchSharp, 1 to <see cref="MaxCpuThreads"/> (null: libtorch's default). Process-wide.</summary>
    public int? CpuThreads { get; init; }
    /// <summary>
    /// Download a hub id that is not a local directory from Hugging Face (into the cache shared with huggingface_hub, or
    /// bring it up to date) instead of failing when it is not cached. Off by default: nothing is downloaded unasked.
    /// </summary>
    public bool Download { get; init; }
    /// <summary>Endpoint, token, cache and transfer settings of <see cref="Download"/> (null: all from the HF_* environment variables).</summary>
    public Hub.HubOptions? HubOptions { get; init; }
    /// <summary>
    /// Bytes of key/value cache the engine keeps across requests (on its device), so that a prompt that starts like an
    /// earlier prompt or answer (turn 2 of a chat, an agent's next step) prefills only what is new; least recently used
    /// first out. 0 disables it.
    /// </summary>
    public long PrefixCacheBytes { get; init; } = 1L << 30;
    /// <summary>
    /// Bytes of vision-tower output kept across requests, keyed by each picture's pixels and grid, so an image or video
    /// seen again skips the vision tower; least recently used first out. 0 disables it.
    /// </summary>
    public long ImageCacheBytes { get; init; } = 256L << 20;
    /// <summary>Upper bound of <see cref="MaxBatchSize"/>.</summary>
    public const int MaxBatchSizeLimit = 256;
    /// <summary>
    /// Concurrent one-row requests decoded together: every decode step runs one batched forward over all of them
    /// (the weights are read once per step, not once per request). More wait until one finishes. 1 runs requests one
    /// after another.
    /// </summary>
    public int MaxBatchSize { get; init; } = 8;
    /// <summary>
    /// Prompt tokens the batch loop prefills between two decode steps. Longer prompts are prefilled in chunks over
    /// several steps (a picture's vision tower runs with the first chunk that reaches it), so long prompts, or a burst of
    /// new ones, delay the running sequences by at most this many tokens per step. Requests on their own (multi-row, or
    /// <see cref="MaxBatchSize"/> 1) are prefilled whole.
    /// </summary>
    public int MaxPrefillTokensPerStep { get; init; } = 2048;
    /// <summary>
    /// Bytes of device memory the engine may use (weights, activation reserve, caches, KV). Null: measured on CUDA
    /// (free memory at load) and not planned on CPU. With a plan, the load fails with a
    /// <see cref="DeviceMemoryException"/> when the weights do not fit, the prefix and image caches are capped to a
    /// share of what the weights leave, and a null <see cref="MaxContextTokens"/> becomes as many tokens as the KV
    /// cache memory holds (<see cref="Glm4vEngine.MemoryPlan"/> shows the split).
    /// </summary>
    public long? DeviceMemoryBytes { get; init; }
    /// <summary>Positions per prefix-cache block (reuse is block-aligned); tests lower it for their short prompts.</summary>
    internal int PrefixBlockTokens { get; init; } = 16;
    /// <summary>Where the engine logs its load (path, device, dtype, time, warnings) and failed requests; null logs nothing.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }
    /// <summary>Creates the engine's meter (<see cref="Telemetry.EngineTelemetryNames.MeterName"/>); null: the engine owns one of that name.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; init; }
    /// <summary>Log each request's rendered prompt (Debug, or Warning with a failure). Off by default: prompts may hold private data.</summary>
    public bool LogPromptText { get; init; }

    /// <summary>
    /// Every invalid field, in declaration order. The one set of rules for engine options: <see cref="Validate"/> and
    /// the dependency-injection settings both report these.
    /// </summary>
    public IReadOnlyList<OptionProblem> FindProblems()
    {
        var problems = new List<OptionProblem>();
        if (!IsDevice(Device))
            problems.Add(new(nameof(Device), $"is {Quote(Device)}: use \"cpu\", \"cuda\" or \"cuda:N\" (N = the GPU's index)."));
        if (DType is { } dtype && !IsComputeDType(dtype))
            problems.Add(new(nameof(DType), $"is {dtype}: use Float32, BFloat16 or Float16, or leave it null to keep the checkpoint's dtype."));
        if (MaxContextTokens is <= 0)
            problems.Add(new(nameof(MaxContextTokens), $"is {MaxContextTokens}: it must be positive, or null for the model's max_position_embeddings."));
        // libtorch aborts the whole process (std::terminate) on a thread count below 1.
        if (CpuThreads is < 1 or > MaxCpuThreads)
            problems.Add(new(nameof(CpuThreads), $"is {CpuThreads}: use 1 to {MaxCpuThreads} threads, or null for libtorch's default."));
        if (HubOptions is not null)
            problems.AddRange(HubOptions.FindProblems().Select(p => p with { Field = $"{nameof(HubOptions)}.{p.Field}" }));
        if (PrefixCacheBytes < 0)
            problems.Add(new(nameof(PrefixCacheBytes), $"is {PrefixCacheBytes}: use a byte budget ≥ 0 (0 disables prefix reuse)."));
        if (ImageCacheBytes < 0)
            problems.Add(new(nameof(ImageCacheBytes), $"is {ImageCacheBytes}: use a byte budget ≥ 0 (0 disables the image-embedding cache)."));
        if (MaxBatchSize is < 1 or > MaxBatchSizeLimit)
            problems.Add(new(nameof(MaxBatchSize), $"is {MaxBatchSize}: use 1 to {MaxBatchSizeLimit} concurrent requests (1 runs them one after another)."));
        if (MaxPrefillTokensPerStep < 1)
            problems.Add(new(nameof(MaxPrefillTokensPerStep), $"is {MaxPrefillTokensPerStep}: use at least 1 prompt token per step."));
        if (DeviceMemoryBytes is <= 0)
            problems.Add(new(nameof(DeviceMemoryBytes), $"is {DeviceMemoryBytes}: use a positive byte count, or null to measure the device's free memory."));
        if (PrefixBlockTokens < 1)
            problems.Add(new(nameof(PrefixBlockTokens), $"is {PrefixBlockTokens}: use at least 1 token per block."));
        return problems;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming every invalid field (its ParamName is the first one).</summary>
    public void Validate()
    {
        var problems = FindProblems();
        if (problems.Count == 0) return;
        throw new ArgumentException(
            "Invalid engine options: " + string.Join(" ", problems.Select(p => p.Describe($"{nameof(EngineOptions)}.{p.Field}"))),
            problems[0].Field);
    }

    internal static bool IsComputeDType(ScalarType t) => t is ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16;

    /// <summary>"cpu", "cuda" or "cuda:N" (any case, no spaces), N a non-negative int.</summary>
    internal static bool IsDevice(string? device)
    {
        if (device is null) return false;
        if (device.Equals("cpu", StringComparison.OrdinalIgnoreCase) || device.Equals("cuda", StringComparison.OrdinalIgnoreCase)) return true;
        return device.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase)
               && int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    static string Quote(string? s) => s is null ? "null" : $"'{s}'";
}
