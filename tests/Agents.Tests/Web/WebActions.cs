using Glm4vSK.Formats.Gui;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>Builds actions the way the agent does: by parsing realistic model outputs with the protocol parsers.</summary>
internal static class WebActions
{
    /// <summary>A GLM-V web answer (<c>Thought / Action / Memory_Updated</c>) with <paramref name="action"/>.</summary>
    public static GuiAction WebAction(string action) =>
        Parse(GuiProtocol.GlmVWeb, $"Thought: This is the next step of the test task.\nAction: {action}\nMemory_Updated: {{}}");

    /// <summary>A GLM-V PC answer with <paramref name="call"/> in the box.</summary>
    public static GuiAction PcAction(string call) =>
        Parse(GuiProtocol.GlmVPc, $"<think>Next step.</think><answer>I act on the page. <|begin_of_box|>{call}<|end_of_box|>\nMemory:\n[]</answer>");

    /// <summary>A GLM-V mobile answer with the action dict <paramref name="json"/>.</summary>
    public static GuiAction MobileAction(string json) =>
        Parse(GuiProtocol.GlmVMobile, $"Memory: None\nReason: Next step of the test.\nAction: <|begin_of_box|>{json}<|end_of_box|>");

    /// <summary>An AutoGLM-Phone answer with <paramref name="call"/>.</summary>
    public static GuiAction AutoGlmAction(string call) =>
        Parse(GuiProtocol.AutoGlmPhone, $"<think>Next step.</think>\n<answer>{call}</answer>");

    /// <summary>The action in <paramref name="text"/>, as the <paramref name="protocol"/>'s parser reads it (the test fails if it does not).</summary>
    public static GuiAction Parse(GuiProtocol protocol, string text)
    {
        var result = GuiActionParsers.For(protocol).Parse(text);
        Assert.True(result.IsSuccess, $"{protocol} parser rejected the test output: {result.Reason}\n{text}");
        return result.Action;
    }
}
