using Glm4vSK.Connector.Grounding;
using Glm4vSK.Formats;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Cli.Hosting;

/// <summary>Draws the boxes and points of an answer on the image it is about and saves the PNG.</summary>
internal static class GroundingOutput
{
    /// <summary>Half the side of the square drawn for a point, in the model's thousandths (points have no extent).</summary>
    const double PointHalfSide = 10;

    public static GroundingResult Draw(ChatResponse response, string imagePath, string outputPath)
    {
        byte[] image = File.ReadAllBytes(imagePath);
        var size = ImageDecoder.ReadSize(image);
        var grounding = response.ParseGrounding(size.Width, size.Height);
        var marks = grounding.Boxes.Concat(grounding.Points.Select(p => PointBox(p, size.Width, size.Height))).ToList();
        File.WriteAllBytes(outputPath, GroundingDrawer.DrawBoxes(image, marks));
        return grounding;
    }

    static GroundingBox PointBox(GroundingPoint point, int width, int height)
    {
        double x = point.Normalized.X, y = point.Normalized.Y;
        var normalized = new GroundingRect(x - PointHalfSide, y - PointHalfSide, x + PointHalfSide, y + PointHalfSide);
        var pixels = new GroundingRect(normalized.X1 / 1000 * width, normalized.Y1 / 1000 * height, normalized.X2 / 1000 * width, normalized.Y2 / 1000 * height);
        return new GroundingBox(point.Label, normalized, pixels);
    }
}
