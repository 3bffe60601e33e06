namespace Glm4vSK.Formats;

/// <summary>A point <c>(X, Y)</c>.</summary>
public readonly record struct GroundingPointF(double X, double Y);
