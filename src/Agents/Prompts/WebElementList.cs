using System.Text;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Prompts;

/// <summary>
/// The text list of set-of-marks elements that the GLM-V web prompts show beside the labelled screenshot
/// (the WebVoyager format GLM-V's example uses:
/// <c>[0]: "Allrecipes";	[1]: &lt;input&gt; "";	[2]: &lt;button&gt; "Click to search";</c>).
/// </summary>
/// <remarks>
/// Rendering, element by element in the given order, entries joined by one tab:
/// <list type="bullet">
/// <item>a text-entry or button element (tag <c>input</c>, <c>textarea</c>, <c>button</c> or <c>select</c>, any case):
/// <c>[{label}]: &lt;{tag}&gt; "{text}";</c> with the tag in lower case, also when the text is empty;</item>
/// <item>any other element with text: <c>[{label}]: "{text}";</c>;</item>
/// <item>any other element without text: left out (its label is still on the screenshot), as WebVoyager does.</item>
/// </list>
/// The text is trimmed and otherwise kept as it is (line breaks and quotes included, as WebVoyager keeps them);
/// a text longer than <see cref="MaxTextLength"/> characters is cut there and ends with <c>…</c> (WebVoyager
/// drops such elements instead).
/// </remarks>
public static class WebElementList
{
    /// <summary>The longest element text shown in full.</summary>
    public const int MaxTextLength = 200;

    private static readonly HashSet<string> TaggedElements = new(StringComparer.OrdinalIgnoreCase) { "input", "textarea", "button", "select" };

    /// <summary>Formats <paramref name="elements"/>; an empty list gives an empty string.</summary>
    public static string Format(IEnumerable<GuiElement> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var sb = new StringBuilder();
        foreach (var e in elements)
        {
            if (e is null) throw new ArgumentException("The element list contains a null element.", nameof(elements));
            string? entry = Entry(e);
            if (entry is null) continue;
            if (sb.Length > 0) sb.Append('\t');
            sb.Append(entry);
        }
        return sb.ToString();
    }

    /// <summary>One element's entry, or <see langword="null"/> when the element is left out.</summary>
    public static string? Entry(GuiElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        string text = (element.Text ?? "").Trim();
        if (text.Length > MaxTextLength) text = text[..MaxTextLength] + "…";
        string tag = (element.Tag ?? "").Trim();
        if (TaggedElements.Contains(tag)) return $"[{element.Label}]: <{tag.ToLowerInvariant()}> \"{text}\";";
        return text.Length == 0 ? null : $"[{element.Label}]: \"{text}\";";
    }
}
