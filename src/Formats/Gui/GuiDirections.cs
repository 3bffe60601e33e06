namespace Glm4vSK.Formats.Gui;

/// <summary>Reads the direction words the protocols write.</summary>
internal static class GuiDirections
{
    /// <summary><c>up</c>/<c>down</c>/<c>left</c>/<c>right</c> (any case) → the direction; anything else → <see langword="null"/>.</summary>
    public static GuiDirection? Parse(string? word) => word?.Trim().ToLowerInvariant() switch
    {
        "up" => GuiDirection.Up,
        "down" => GuiDirection.Down,
        "left" => GuiDirection.Left,
        "right" => GuiDirection.Right,
        _ => null,
    };
}
