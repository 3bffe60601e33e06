namespace Glm4vSK.Agents.Screens;

/// <summary>What an executor sees before a step: the screenshot plus what the protocol needs beside it.</summary>
public sealed class GuiObservation
{
    /// <summary>Creates an observation of <paramref name="screenshot"/>.</summary>
    public GuiObservation(Screenshot screenshot) => Screenshot = screenshot ?? throw new ArgumentNullException(nameof(screenshot));

    /// <summary>The screenshot the model is shown (labelled, for set-of-marks web pages).</summary>
    public Screenshot Screenshot { get; }

    /// <summary>Labelled elements of a set-of-marks screenshot (web); empty otherwise.</summary>
    public IReadOnlyList<GuiElement> Elements { get; init; } = [];

    /// <summary>The foreground app (Android), as AutoGLM's <c>screen_info</c> reports it; <see langword="null"/> when unknown.</summary>
    public string? CurrentApp { get; init; }

    /// <summary>The page URL (web) or window title (desktop), when known.</summary>
    public string? Location { get; init; }

    /// <summary>Set when the device refused the screenshot (secure screen); the screenshot is then a black placeholder.</summary>
    public bool IsSensitiveScreen { get; init; }

    /// <summary>The element with <paramref name="label"/>, or <see langword="null"/>.</summary>
    public GuiElement? FindElement(int label) => Elements.FirstOrDefault(e => e.Label == label);
}
