namespace Glm4vSK.Connector.Grounding;

/// <summary>Options for <see cref="GroundingDrawer"/>.</summary>
public sealed record GroundingDrawOptions
{
    /// <summary>A TrueType/OpenType file for the labels; when null, <c>SKTypeface.Default</c> or a font under <c>/usr/share/fonts</c>.</summary>
    public string? FontFile { get; init; }

    /// <summary>Label text size in pixels; when null, scaled with the image (at least 12).</summary>
    public float? FontSize { get; init; }

    /// <summary>Rectangle line width in pixels; when null, scaled with the image (at least 2).</summary>
    public float? StrokeWidth { get; init; }
}
