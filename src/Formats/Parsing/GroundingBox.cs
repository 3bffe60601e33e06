namespace Glm4vSK.Formats;

/// <summary>One box: <see cref="Normalized"/> in the model's thousandths (0–1000), <see cref="Pixels"/> = value / 1000 × image size.</summary>
public sealed record GroundingBox(string? Label, GroundingRect Normalized, GroundingRect Pixels);
