namespace Glm4vSK.Formats.Gui;

/// <summary>The direction of a scroll or swipe (see <see cref="GuiAction.Direction"/> for which way each protocol means).</summary>
public enum GuiDirection
{
    /// <summary>Up.</summary>
    Up,
    /// <summary>Down.</summary>
    Down,
    /// <summary>Left.</summary>
    Left,
    /// <summary>Right.</summary>
    Right,
}
