namespace Glm4vSK.LocalEngine;

/// <summary>
/// A checkpoint file is missing, truncated, malformed, or does not fit the model the config describes. The message
/// names every file and tensor at fault; the lists below give them to code.
/// </summary>
public sealed class CheckpointException : Glm4vException
{
    public CheckpointException(string message, string? file = null, string? tensor = null, Exception? inner = null)
        : base(message, inner)
    {
        File = file;
        Tensor = tensor;
    }

    public CheckpointException(string message, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<string> misShaped) : base(message)
    {
        Missing = missing;
        Unexpected = unexpected;
        MisShaped = misShaped;
    }

    /// <summary>The file at fault, when one is.</summary>
    public string? File { get; }
    /// <summary>The tensor at fault, when a single one is.</summary>
    public string? Tensor { get; }
    /// <summary>Tensors the model needs that no file holds.</summary>
    public IReadOnlyList<string> Missing { get; } = [];
    /// <summary>Tensors in the files that the model does not use.</summary>
    public IReadOnlyList<string> Unexpected { get; } = [];
    /// <summary>Tensors whose shape differs from what the config implies, as "name: expected [..], found [..]".</summary>
    public IReadOnlyList<string> MisShaped { get; } = [];
}
