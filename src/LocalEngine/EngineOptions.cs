using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>How to load and run a model. Immutable; use <c>with</c> to derive variants.</summary>
public sealed record EngineOptions
{
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
    /// <summary>Intra-op CPU threads for TorchSharp (null: libtorch's default).</summary>
    public int? CpuThreads { get; init; }
}
