namespace Glm4vSK.Formats.Gui;

/// <summary>The GUI-agent output protocols the parsers understand.</summary>
public enum GuiProtocol
{
    /// <summary>GLM-4.1V / GLM-4.5V mobile (AndroidWorld): <c>Memory: … Reason: … Action: {"action_type": …}</c>.</summary>
    GlmVMobile,

    /// <summary>GLM-4.1V / GLM-4.5V desktop (OSWorld): <c>left_click(start_box='[x,y]')</c>.</summary>
    GlmVPc,

    /// <summary>GLM-4.1V / GLM-4.5V web (WebVoyager, set-of-marks): <c>Click [n]</c>, <c>Type [n]; [text]</c>, ….</summary>
    GlmVWeb,

    /// <summary>AutoGLM-Phone (Open-AutoGLM): <c>do(action="Tap", element=[x,y])</c>, <c>finish(message="…")</c>.</summary>
    AutoGlmPhone,
}
