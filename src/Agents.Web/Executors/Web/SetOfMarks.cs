using System.Text.Json;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// The in-page JavaScript of <see cref="PlaywrightWebExecutor"/>: set-of-marks labelling and the
/// small DOM queries the executor makes at execution time (what is at a point, what has focus, scrolling, picking
/// a <c>&lt;select&gt;</c> option).
/// </summary>
/// <remarks>
/// <para>Labelling: the visible interactive elements in the viewport (links, buttons, form fields, <c>summary</c>,
/// <c>label[for]</c>, elements with an ARIA widget role, <c>onclick</c>, <c>contenteditable</c>, a non-negative
/// <c>tabindex</c>, or a pointer cursor that their parent does not have) are numbered 0..n-1 in document order
/// (shadow roots included). An element counts as visible when it has a size, is not hidden by CSS and a
/// hit test at its centre or near one of its corners reaches it (so covered elements are left out). When one
/// candidate contains another, only the inner one is kept. Bounds are the part of the element inside the
/// viewport, in CSS pixels (= screenshot pixels at device scale factor 1). The overlay (a box and a numbered tag
/// per element, above the element when there is room) is a fixed, pointer-transparent layer that
/// <see cref="UnmarkScript"/> removes after the screenshot.</para>
/// </remarks>
internal static class SetOfMarks
{
    /// <summary>The id of the overlay element (<c>OVERLAY</c> in Scripts/helpers.js).</summary>
    internal const string OverlayId = "__glm4vsk_set_of_marks__";

    // The scripts are embedded .js files (Scripts/*.js, so they can be linted), read once. A script's
    // "/* helpers */" line is replaced by helpers.js, the functions they share.
    private static readonly string Helpers = Resource("helpers.js");

    /// <summary>
    /// Labels the page; argument <c>{ maxText, draw }</c>. Returns <c>{ width, height, items: [{ tag, text, type, x, y, w, h }] }</c>.
    /// </summary>
    internal static readonly string MarkScript = Script("mark.js");

    /// <summary>Removes the overlay.</summary>
    internal static readonly string UnmarkScript = Script("unmark.js");

    /// <summary>
    /// Describes the element at a point (a <c>label</c> resolves to its control); argument <c>{ x, y, maxText, retarget }</c>.
    /// With <c>retarget</c>, a link that would open a new tab is changed to open in this one (as WebVoyager does).
    /// Returns <see langword="null"/> when nothing is there.
    /// </summary>
    internal static readonly string ElementAtPointScript = Script("element-at-point.js");

    /// <summary>
    /// Describes the focused element (into shadow roots and same-origin frames; a frame that cannot be inspected is
    /// described with <c>sealedFrame</c>), or <see langword="null"/> when only a page has focus; argument <c>{ maxText }</c>.
    /// </summary>
    internal static readonly string FocusedElementScript = Script("focused-element.js");

    /// <summary>
    /// Chooses the option of the <c>&lt;select&gt;</c> at a point whose text or value matches (exactly, then by
    /// prefix, then by substring, ignoring case) and fires <c>input</c> and <c>change</c>; argument <c>{ x, y, text }</c>.
    /// Returns <c>{ ok, chosen, options }</c>.
    /// </summary>
    internal static readonly string SelectOptionScript = Script("select-option.js");

    /// <summary>
    /// Scrolls the window (<c>element: false</c>) or the nearest scrollable ancestor of the element at a point,
    /// falling back to the window when there is none; when the window cannot scroll, the scrollable element at the
    /// viewport centre is scrolled instead. Argument <c>{ x, y, element, sign, amount }</c> (<c>amount</c>
    /// <see langword="null"/> = two thirds of the scrolled box's height). Returns <c>{ target, tag, moved, before, after, max }</c>.
    /// </summary>
    internal static readonly string ScrollScript = Script("scroll.js");

    /// <summary>Waits for two animation frames (lets wheel scrolling and layout settle).</summary>
    internal static readonly string TwoFramesScript = Resource("two-frames.js");

    private static string Script(string name) =>
        Resource(name).Replace("/* helpers */", Helpers, StringComparison.Ordinal);

    private static string Resource(string name)
    {
        using Stream stream = typeof(SetOfMarks).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"embedded script '{ResourcePrefix + name}' is missing from {typeof(SetOfMarks).Assembly.GetName().Name}; the project embeds Executors/Web/Scripts/*.js");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private const string ResourcePrefix = "Glm4vSK.Agents.Web.Scripts.";

    /// <summary>Reads <see cref="MarkScript"/>'s result as labelled elements (label = index).</summary>
    internal static IReadOnlyList<GuiElement> ReadElements(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object || !result.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            return [];
        var elements = new List<GuiElement>(items.GetArrayLength());
        foreach (var item in items.EnumerateArray())
        {
            elements.Add(new GuiElement(
                elements.Count,
                String(item, "tag") ?? "",
                String(item, "text") ?? "",
                new PixelRect(Number(item, "x"), Number(item, "y"), Number(item, "w"), Number(item, "h")),
                String(item, "type")));
        }
        return elements;
    }

    /// <summary>What the element scripts report about one element.</summary>
    /// <param name="Secret">The kind of secret the field holds (<c>password</c>, <c>payment card</c>, <c>one-time code</c>), or <see langword="null"/>.</param>
    /// <param name="SealedFrame">When the element is a frame whose document the page cannot read (cross-origin, sandboxed), its source; else <see langword="null"/>.</param>
    internal sealed record ElementInfo(string Tag, string? InputType, string Text, bool Editable, string? Secret, bool Select, string? SealedFrame = null)
    {
        /// <summary>
        /// Why typing into this element needs the user's confirmation, or <see langword="null"/>: a secret field, or a
        /// frame whose field cannot be inspected (treated as sensitive, since it may be a login or payment form).
        /// </summary>
        public string? SensitiveReason => SealedFrame is { } source
            ? $"typing into a frame the page cannot inspect ({WebText.Shorten(source, 60)}, cross-origin or sandboxed): its field could not be inspected, so it is treated as sensitive"
            : Secret is { } kind ? $"typing into a {kind} field" : null;

        /// <summary><c>&lt;input type=password&gt; "Password"</c>.</summary>
        public override string ToString()
        {
            string tag = InputType is null or "text" ? $"<{Tag}>" : $"<{Tag} type={InputType}>";
            return Text.Length == 0 ? tag : $"{tag} \"{Text}\"";
        }
    }

    /// <summary>Why typing into a field the model saw as <c>input[type=password]</c> is sensitive.</summary>
    internal const string PasswordReason = "typing into a password field";

    /// <summary>Reads <see cref="ScrollScript"/>'s result, or <see langword="null"/> when the page gave none.</summary>
    internal static ScrollReport? ReadScroll(JsonElement? result) =>
        result is { ValueKind: JsonValueKind.Object } r
            ? new ScrollReport(String(r, "target") == "element", String(r, "tag"), Number(r, "moved"), Number(r, "max"))
            : null;

    /// <summary>Reads an element description, or <see langword="null"/>.</summary>
    internal static ElementInfo? ReadInfo(JsonElement? result)
    {
        if (result is not { ValueKind: JsonValueKind.Object } e) return null;
        return new ElementInfo(
            String(e, "tag") ?? "",
            String(e, "type"),
            String(e, "text") ?? "",
            Bool(e, "editable"),
            String(e, "secret"),
            Bool(e, "select"),
            String(e, "sealedFrame"));
    }

    internal static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

    internal static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
}
