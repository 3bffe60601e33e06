namespace Glm4vSK.Agents.Executors;

/// <summary>The size of a browser viewport in CSS pixels (also the screenshot size, at device scale factor 1).</summary>
/// <param name="Width">Width in CSS pixels.</param>
/// <param name="Height">Height in CSS pixels.</param>
public readonly record struct WebViewport(int Width, int Height)
{
    /// <summary>1280 × 800, the default viewport of <see cref="WebExecutorOptions"/>.</summary>
    public static WebViewport Default => new(1280, 800);

    /// <inheritdoc />
    public override string ToString() => $"{Width}×{Height}";
}
