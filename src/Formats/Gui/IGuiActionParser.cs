
namespace Glm4vSK.Formats.Gui;

/// <summary>Turns one raw model answer into a typed GUI action. Never throws for malformed model output.</summary>
public interface IGuiActionParser
{
    /// <summary>The protocol this parser reads.</summary>
    GuiProtocol Protocol { get; }

    /// <summary>Parses <paramref name="modelOutput"/> (raw, possibly with think/answer/box markers).</summary>
    GuiActionParseResult Parse(string modelOutput);
}
