
namespace Glm4vSK.Formats.Gui;

/// <summary>The parser for each <see cref="GuiProtocol"/>.</summary>
public static class GuiActionParsers
{
    /// <summary>Returns the (stateless, thread-safe) parser for <paramref name="protocol"/>.</summary>
    public static IGuiActionParser For(GuiProtocol protocol) => protocol switch
    {
        GuiProtocol.GlmVMobile => GlmVMobileParser.Instance,
        GuiProtocol.GlmVPc => GlmVPcParser.Instance,
        GuiProtocol.GlmVWeb => GlmVWebParser.Instance,
        GuiProtocol.AutoGlmPhone => AutoGlmPhoneParser.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown GUI protocol."),
    };
}
