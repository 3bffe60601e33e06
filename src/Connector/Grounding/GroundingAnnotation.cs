using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Glm4vSK.Formats;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Grounding;

/// <summary>
/// Boxes and points found in an answer, attached to its <see cref="TextContent"/> as an annotation (the region is the
/// whole text). Serializable with <see cref="Glm4vJson.Options"/>, so caching and logging middleware keep it.
/// </summary>
public sealed class GroundingAnnotation : AIAnnotation
{
    public IReadOnlyList<GroundingBox> Boxes { get; set; } = [];
    public IReadOnlyList<GroundingPoint> Points { get; set; } = [];
    public int ImageWidth { get; set; }
    public int ImageHeight { get; set; }

    /// <summary>Parses every text of <paramref name="response"/> for a W×H image and annotates the texts that hold boxes or points.</summary>
    public static GroundingResult Annotate(ChatResponse response, int imageWidth, int imageHeight)
    {
        ArgumentNullException.ThrowIfNull(response);
        var boxes = new List<GroundingBox>();
        var points = new List<GroundingPoint>();
        foreach (var text in response.Messages.SelectMany(m => m.Contents).OfType<TextContent>())
        {
            var g = GroundingParser.Parse(text.Text, imageWidth, imageHeight);
            if (g.IsEmpty) continue;
            boxes.AddRange(g.Boxes);
            points.AddRange(g.Points);
            (text.Annotations ??= []).Add(new GroundingAnnotation
            {
                Boxes = g.Boxes, Points = g.Points, ImageWidth = imageWidth, ImageHeight = imageHeight,
                AnnotatedRegions = [new TextSpanAnnotatedRegion { StartIndex = 0, EndIndex = text.Text.Length }],
            });
        }
        return new GroundingResult(boxes, points, imageWidth, imageHeight);
    }
}

/// <summary>JSON options that know Glm4vSK's content and annotation types (use them for caching/logging middleware).</summary>
public static class Glm4vJson
{
    /// <summary><see cref="AIJsonUtilities.DefaultOptions"/> plus <see cref="GroundingAnnotation"/> ("glm4vGrounding").</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions);
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(ti =>
        {
            if (ti.Type == typeof(AIAnnotation) && ti.PolymorphismOptions is { } p &&
                !p.DerivedTypes.Any(d => d.DerivedType == typeof(GroundingAnnotation)))
                p.DerivedTypes.Add(new JsonDerivedType(typeof(GroundingAnnotation), "glm4vGrounding"));
        });
        o.TypeInfoResolver = JsonTypeInfoResolver.Combine(resolver, AIJsonUtilities.DefaultOptions.TypeInfoResolver!);
        o.MakeReadOnly();
        return o;
    }
}

/// <summary><c>GroundingParser.Parse</c> for a whole response.</summary>
public static class GroundingResponseExtensions
{
    /// <summary>The boxes and points of every text in <paramref name="response"/>, for an image of the given size (nothing is attached).</summary>
    public static GroundingResult ParseGrounding(this ChatResponse response, int imageWidth, int imageHeight)
    {
        ArgumentNullException.ThrowIfNull(response);
        var parts = response.Messages.SelectMany(m => m.Contents).OfType<TextContent>()
            .Select(t => GroundingParser.Parse(t.Text, imageWidth, imageHeight)).ToList();
        return new GroundingResult(parts.SelectMany(p => p.Boxes).ToList(), parts.SelectMany(p => p.Points).ToList(), imageWidth, imageHeight);
    }
}
