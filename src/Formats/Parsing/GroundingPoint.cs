namespace Glm4vSK.Formats;

/// <summary>One point: <see cref="Normalized"/> in thousandths, <see cref="Pixels"/> = value / 1000 × image size.</summary>
public sealed record GroundingPoint(string? Label, GroundingPointF Normalized, GroundingPointF Pixels);
