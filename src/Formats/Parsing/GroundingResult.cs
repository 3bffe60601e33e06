namespace Glm4vSK.Formats;

/// <summary>The boxes and points found in an answer, for an image of <see cref="ImageWidth"/> × <see cref="ImageHeight"/> pixels.</summary>
public sealed record GroundingResult(IReadOnlyList<GroundingBox> Boxes, IReadOnlyList<GroundingPoint> Points, int ImageWidth, int ImageHeight)
{
    public bool IsEmpty => Boxes.Count == 0 && Points.Count == 0;

    /// <summary>
    /// The labels of the boxes then the points, or <c>null</c> when none has a label (the answer had no labelled items).
    /// </summary>
    public IReadOnlyList<string?>? Labels =>
        Boxes.Any(b => b.Label is not null) || Points.Any(p => p.Label is not null)
            ? [.. Boxes.Select(b => b.Label), .. Points.Select(p => p.Label)]
            : null;
}
