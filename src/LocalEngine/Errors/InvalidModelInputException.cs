namespace Glm4vSK.LocalEngine;

/// <summary>Model inputs that are inconsistent (placeholder counts vs. grids, shapes, token ids out of range).</summary>
public sealed class InvalidModelInputException : Glm4vException
{
    public InvalidModelInputException(string message) : base(message) { }
}
