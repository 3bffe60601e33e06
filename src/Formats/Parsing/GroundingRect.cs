namespace Glm4vSK.Formats;

/// <summary>A rectangle <c>(X1, Y1)</c>–<c>(X2, Y2)</c>, corners as given by the model (a reversed box is not reordered).</summary>
public readonly record struct GroundingRect(double X1, double Y1, double X2, double Y2)
{
    public double Left => Math.Min(X1, X2);
    public double Top => Math.Min(Y1, Y2);
    public double Right => Math.Max(X1, X2);
    public double Bottom => Math.Max(Y1, Y2);
    public double Width => Right - Left;
    public double Height => Bottom - Top;
    public GroundingPointF Center => new((X1 + X2) / 2, (Y1 + Y2) / 2);
}
