namespace Glm4vSK.Agents.Screens;

/// <summary>A rectangle in screenshot pixels.</summary>
public readonly record struct PixelRect(double X, double Y, double Width, double Height)
{
    /// <summary>The centre point.</summary>
    public (double X, double Y) Center => (X + Width / 2, Y + Height / 2);
}

/// <summary>
/// An interactive element labelled on a set-of-marks screenshot (GLM-V web protocol): the model
/// refers to it by <see cref="Label"/>.
/// </summary>
/// <param name="Label">The numeric label drawn on the screenshot.</param>
/// <param name="Tag">The lower-case tag name (<c>button</c>, <c>input</c>, <c>a</c>, …).</param>
/// <param name="Text">The visible text or accessible name (may be empty).</param>
/// <param name="Bounds">Where the element is, in screenshot pixels.</param>
/// <param name="InputType">For <c>input</c> elements, the <c>type</c> attribute (<c>text</c>, <c>password</c>, …).</param>
public sealed record GuiElement(int Label, string Tag, string Text, PixelRect Bounds, string? InputType = null)
{
    /// <summary>Whether typing into this element is typing a secret.</summary>
    public bool IsPassword => string.Equals(InputType, "password", StringComparison.OrdinalIgnoreCase);
}
