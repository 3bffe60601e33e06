using System.ComponentModel;
using Glm4vSK.Samples.Shared;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Samples.AgentFramework;

/// <summary>
/// The visual assistant's tools: a "screenshot" (here: the picture given on the command line, standing in for a screen
/// capture) and a zoom into part of it. Both return <see cref="DataContent"/>; the GLM-4V client puts the picture into
/// the model's observation turn as image tokens, so the model looks at what the tool returned.
/// </summary>
public sealed class ScreenTools(byte[] screen, string mediaType)
{
    [Description("Takes a screenshot of the user's screen and returns it as a picture you can look at.")]
    public DataContent TakeScreenshot() => new(screen, mediaType);

    [Description("Zooms into a region of the screen and returns it enlarged. Coordinates are in the 0-1000 range of the screen's width and height.")]
    public DataContent ZoomScreen(
        [Description("left edge, 0-1000")] int x1, [Description("top edge, 0-1000")] int y1,
        [Description("right edge, 0-1000")] int x2, [Description("bottom edge, 0-1000")] int y2) =>
        new(PngCrop.Crop(screen, x1, y1, x2, y2), "image/png");

    /// <summary>The tools as AIFunctions for an agent.</summary>
    public IList<AITool> AsTools() =>
    [
        AIFunctionFactory.Create(TakeScreenshot, "take_screenshot"),
        AIFunctionFactory.Create(ZoomScreen, "zoom_screen"),
    ];
}
