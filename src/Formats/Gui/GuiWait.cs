using System.Globalization;
using System.Text.RegularExpressions;

namespace Glm4vSK.Formats.Gui;

/// <summary>The one rule for a wait duration the model writes (AutoGLM <c>Wait(duration="2 seconds")</c>).</summary>
public static partial class GuiWait
{
    /// <summary>The longest wait a model may ask for; longer requests are shortened to it so a step cannot stall a run.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    /// <summary>
    /// <c>"2"</c>, <c>"2s"</c>, <c>"1.5 seconds"</c>, <c>"1 second"</c>, <c>"2 sec"</c> → that many seconds, at most
    /// <see cref="Longest"/>; <see langword="false"/> for anything else (negative, not finite, another unit, other words).
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (text is null) return false;
        var m = DurationRegex().Match(text);
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) || !double.IsFinite(seconds))
            return false;
        duration = seconds >= Longest.TotalSeconds ? Longest : TimeSpan.FromSeconds(seconds);
        return true;
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:s|sec|secs|second|seconds)?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationRegex();
}
