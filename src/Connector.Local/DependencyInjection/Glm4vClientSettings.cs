using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using static TorchSharp.torch;

namespace Glm4vSK.Connector;

/// <summary>
/// Settings of a local GLM-4V chat client registered through dependency injection, usually bound from a
/// <c>"Glm4v"</c> configuration section:
/// <code>
/// "Glm4v": { "ModelPath": "/models/GLM-4.6V-Flash", "Device": "cuda", "DType": "bfloat16", "MaxPixels": 1605632,
///            "AllowedFileRoots": [ "/data/photos" ], "EnableThinking": false }
/// </code>
/// </summary>
public sealed class Glm4vClientSettings
{
    /// <summary>The configuration section these settings are conventionally bound from.</summary>
    public const string DefaultConfigSectionName = "Glm4v";

    /// <summary>Model directory, or a Hugging Face hub id found in the local cache (downloaded only with <see cref="Download"/>). Required.</summary>
    public string? ModelPath { get; set; }
    /// <summary>
    /// Download a hub id <see cref="ModelPath"/> into the Hugging Face cache when the engine loads (or bring it up to
    /// date), with the HF_ENDPOINT / HF_TOKEN / HF_HUB_CACHE / HF_HUB_OFFLINE environment; default false: cache only.
    /// </summary>
    public bool Download { get; set; }
    /// <summary>"cpu" (default), "cuda" or "cuda:N".</summary>
    public string Device { get; set; } = "cpu";
    /// <summary>"float32", "bfloat16" or "float16" (also "fp32", "bf16", "fp16"); null or "auto" keeps the checkpoint's dtype.</summary>
    public string? DType { get; set; }
    /// <summary>Context window (prompt + output tokens); null: the model's maximum.</summary>
    public int? MaxContextTokens { get; set; }
    /// <summary>Default lower pixel budget of each image (a request's <c>min_pixels</c> overrides it).</summary>
    public long? MinPixels { get; set; }
    /// <summary>Default upper pixel budget of each image (a request's <c>max_pixels</c> overrides it).</summary>
    public long? MaxPixels { get; set; }
    /// <summary>Directories whose files messages may reference by <c>file://</c> URI (default: none, inline data only).</summary>
    public List<string> AllowedFileRoots { get; set; } = [];
    /// <summary>Thinking on or off by default (GLM-4.5V/4.6V family); null: the template's default (on).</summary>
    public bool? EnableThinking { get; set; }
    /// <summary>Reported model id (default: the model directory's name).</summary>
    public string? ModelId { get; set; }
    /// <summary>Intra-op CPU threads for TorchSharp (null: libtorch's default). Process-wide.</summary>
    public int? CpuThreads { get; set; }
    /// <summary>Bytes of device memory the engine may use (null: measured on CUDA, not planned on CPU); sizes the caches and a null context window.</summary>
    public long? DeviceMemoryBytes { get; set; }
    /// <summary>Prefix (KV) cache budget in bytes, 0 disables it (null: the engine's default, 1 GiB).</summary>
    public long? PrefixCacheBytes { get; set; }
    /// <summary>Image-embedding cache budget in bytes, 0 disables it (null: the engine's default, 256 MiB).</summary>
    public long? ImageCacheBytes { get; set; }
    /// <summary>Most requests decoded together (continuous batching); 1 runs them one after another (null: the engine's default, 8).</summary>
    public int? MaxBatchSize { get; set; }
    /// <summary>Prompt tokens prefilled between two decode steps (null: the engine's default, 2048).</summary>
    public int? MaxPrefillTokensPerStep { get; set; }
    /// <summary>Default output budget of a request that sets no <c>MaxOutputTokens</c>.</summary>
    public int? MaxOutputTokens { get; set; }
    /// <summary>Return the model's reasoning as <c>TextReasoningContent</c> (default true).</summary>
    public bool IncludeReasoning { get; set; } = true;
    /// <summary>Log each request's rendered prompt through the container's logging (default false: prompts may hold private data).</summary>
    public bool LogPromptText { get; set; }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> listing every invalid setting, each named by its configuration key
    /// (<paramref name="keyPrefix"/> + the property name, e.g. <c>Glm4v:ModelPath</c>).
    /// </summary>
    internal void Validate(string keyPrefix)
    {
        var problems = new List<string>();
        string Key(string property) => keyPrefix + property;
        if (string.IsNullOrWhiteSpace(ModelPath))
            problems.Add($"'{Key(nameof(ModelPath))}' is not set: give the model directory or a Hugging Face hub id (in the local cache, or downloaded with '{Key(nameof(Download))}' = true), for example --{Key(nameof(ModelPath))}=/models/GLM-4.6V-Flash.");
        if (!TryParseDType(DType, out var dtype))
            problems.Add($"'{Key(nameof(DType))}' is '{DType}': use \"float32\", \"bfloat16\" or \"float16\" (or leave it unset to keep the checkpoint's dtype).");
        // Device, MaxContextTokens, CpuThreads, the cache budgets and the batch limits follow the engine's own rules (one source of truth).
        problems.AddRange(EngineCore(dtype).FindProblems().Select(p => p.Describe(Key(p.Field))));
        Positive(MinPixels, nameof(MinPixels));
        Positive(MaxPixels, nameof(MaxPixels));
        Positive(MaxOutputTokens, nameof(MaxOutputTokens));
        if (MinPixels is long lo && MaxPixels is long hi && lo > hi)
            problems.Add($"'{Key(nameof(MinPixels))}' ({lo}) is larger than '{Key(nameof(MaxPixels))}' ({hi}).");
        for (int i = 0; i < AllowedFileRoots.Count; i++)
            if (string.IsNullOrWhiteSpace(AllowedFileRoots[i]))
                problems.Add($"'{Key(nameof(AllowedFileRoots))}:{i}' is empty.");
        if (problems.Count > 0)
            throw new InvalidOperationException("Invalid GLM-4V client settings:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));

        void Positive(long? value, string property)
        {
            if (value is <= 0) problems.Add($"'{Key(property)}' is {value}: it must be positive.");
        }
    }

    internal EngineOptions ToEngineOptions()
    {
        TryParseDType(DType, out var dtype);
        return EngineCore(dtype) with
        {
            Processor = new ProcessorOptions
            {
                MediaAccess = new MediaAccessPolicy { AllowedFileRoots = [.. AllowedFileRoots.Select(r => Path.GetFullPath(r.Trim()))] },
            },
        };
    }

    /// <summary>The engine options these settings give, without the processor part (whose paths need checking first).</summary>
    EngineOptions EngineCore(ScalarType? dtype)
    {
        var options = new EngineOptions
        {
            Device = Device?.Trim()!,
            DType = dtype,
            MaxContextTokens = MaxContextTokens,
            CpuThreads = CpuThreads,
            Download = Download,
            LogPromptText = LogPromptText,
            DeviceMemoryBytes = DeviceMemoryBytes,
        };
        return options with
        {
            PrefixCacheBytes = PrefixCacheBytes ?? options.PrefixCacheBytes,
            ImageCacheBytes = ImageCacheBytes ?? options.ImageCacheBytes,
            MaxBatchSize = MaxBatchSize ?? options.MaxBatchSize,
            MaxPrefillTokensPerStep = MaxPrefillTokensPerStep ?? options.MaxPrefillTokensPerStep,
        };
    }

    internal Glm4vChatClientOptions ToClientOptions() => new()
    {
        ModelId = string.IsNullOrWhiteSpace(ModelId) ? DefaultModelId(ModelPath!) : ModelId,
        EnableThinking = EnableThinking,
        IncludeReasoning = IncludeReasoning,
        MaxOutputTokens = MaxOutputTokens,
        MinPixels = MinPixels,
        MaxPixels = MaxPixels,
    };

    /// <summary>A hub id ("zai-org/GLM-4.6V-Flash") that is not a local directory names the model; a directory's name does otherwise.</summary>
    static string? DefaultModelId(string modelPath) =>
        !Directory.Exists(modelPath) && modelPath.Count(c => c == '/') == 1 && !modelPath.StartsWith('/') && !modelPath.StartsWith('.') ? modelPath : null;

    internal static bool TryParseDType(string? text, out ScalarType? dtype)
    {
        dtype = null;
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto": return true;
            case "float32" or "fp32" or "f32" or "float": dtype = ScalarType.Float32; return true;
            case "bfloat16" or "bf16": dtype = ScalarType.BFloat16; return true;
            case "float16" or "fp16" or "f16" or "half": dtype = ScalarType.Float16; return true;
            default: return false;
        }
    }
}
