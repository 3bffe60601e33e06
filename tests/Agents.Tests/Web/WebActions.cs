using Glm4vSK.Formats.Gui;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>Builds actions the way the agent does: by parsing realistic model outputs with the protocol parsers.</summary>
internal static class WebActions
{
    /// <summary>A GLM-V web answer (<c>Thought / Action / Memory_Updated</c>) with <paramref name="action"/>.</summary>
    public static GuiAction WebAction(string action) =>
        Parse(GlmVWebParser.Instance, $"Thought: This is the next step of the test task.\nAction: {action}\nMemory_Updated: {{}}");

    /// <summary>A GLM-V PC answer with <paramref name="call"/> in the box.</summary>
    public static GuiAction PcAction(string call) =>
        Parse(GlmVPcParser.Instance, $"<think>Next step.</think><answer>I act on the page. <|begin_of_box|>{call}<|end_of_box|>\nMemory:\n[]</answer>");

    /// <summary>A GLM-V mobile answer with the action dict <paramref name="json"/>.</summary>
    public static GuiAction MobileAction(string json) =>
        Parse(GlmVMobileParser.Instance, $"Memory: None\nReason: Next step of the test.\nAction: <|begin_of_box|>{json}<|end_of_box|>");

    /// <summary>An AutoGLM-Phone answer with <paramref name="call"/>.</summary>
    public static GuiAction AutoGlmAction(string call) =>
        Parse(AutoGlmPhoneParser.Instance, $"<think>Next step.</think>\n<answer>{call}</answer>");

    private static GuiAction Parse(IGuiActionParser parser, string text)
    {
        var result = parser.Parse(text);
        Assert.True(result.IsSuccess, $"{parser.Protocol} parser rejected the test output: {result.Reason}\n{text}");
        return result.Action;
    }
}
