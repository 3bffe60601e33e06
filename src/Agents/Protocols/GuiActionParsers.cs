using Glm4vSK.Agents.Actions;

namespace Glm4vSK.Agents.Protocols;

/// <summary>The parser for each <see cref="GuiProtocol"/>.</summary>
public static class GuiActionParsers
{
    /// <summary>Returns the (stateless, thread-safe) parser for <paramref name="protocol"/>.</summary>
    public static IGuiActionParser For(GuiProtocol protocol) => protocol switch
    {
        GuiProtocol.MobileGlmV => MobileGlmVParser.Instance,
        GuiProtocol.PcGlmV => PcGlmVParser.Instance,
        GuiProtocol.WebGlmV => WebGlmVParser.Instance,
        GuiProtocol.AutoGlmPhone => AutoGlmPhoneParser.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown GUI protocol."),
    };
}
