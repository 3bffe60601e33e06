namespace Glm4vSK.LocalEngine;

/// <summary>The checkpoint is well formed but describes a model this version of the engine cannot run yet.</summary>
public sealed class UnsupportedModelException : Glm4vException
{
    public UnsupportedModelException(string modelType, string message) : base(message) => ModelType = modelType;

    /// <summary>The <c>model_type</c> of the checkpoint.</summary>
    public string ModelType { get; }
}
