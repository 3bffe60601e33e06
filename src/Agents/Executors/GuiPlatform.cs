namespace Glm4vSK.Agents.Executors;

/// <summary>The kind of target a GUI executor drives (<see cref="GuiExecutorException.Platform"/>).</summary>
public enum GuiPlatform
{
    /// <summary>A browser page driven through Playwright.</summary>
    Web,
    /// <summary>An X11 desktop driven through xdotool and libX11.</summary>
    Desktop,
    /// <summary>An Android device or emulator driven through adb.</summary>
    Android,
}
