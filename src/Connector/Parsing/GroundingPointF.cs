namespace Glm4vSK.Connector.Parsing;

/// <summary>A point <c>(X, Y)</c>.</summary>
public readonly record struct GroundingPointF(double X, double Y);
