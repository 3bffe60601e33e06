using System.Text.Json;
using Microsoft.Playwright;

namespace Glm4vSK.Agents.Web;

/// <summary>The run-time questions the web executor asks the page (through <see cref="SetOfMarks"/>' scripts).</summary>
internal static class PageProbe
{
    /// <summary>Element descriptions in outcomes keep at most this much text.</summary>
    private const int DescribedTextLength = 40;

    /// <summary>
    /// The element at <paramref name="at"/> (into shadow roots and same-origin frames), or <see langword="null"/>. With
    /// <paramref name="retarget"/>, a link there that would open a new tab is changed to open in this one.
    /// </summary>
    internal static async Task<SetOfMarks.ElementInfo?> ElementAtAsync(IPage page, WebPoint at, bool retarget, WebExecutorOptions options, CancellationToken ct) =>
        SetOfMarks.ReadInfo(await page.EvaluateAsync<JsonElement?>(SetOfMarks.ElementAtPointScript,
            new { x = at.X, y = at.Y, retarget, maxText = MaxText(options) }).WaitAsync(ct).ConfigureAwait(false));

    /// <summary>The focused element, or <see langword="null"/> when only the page has focus.</summary>
    internal static async Task<SetOfMarks.ElementInfo?> FocusedAsync(IPage page, WebExecutorOptions options, CancellationToken ct) =>
        SetOfMarks.ReadInfo(await page.EvaluateAsync<JsonElement?>(SetOfMarks.FocusedElementScript,
            new { maxText = MaxText(options) }).WaitAsync(ct).ConfigureAwait(false));

    /// <summary>
    /// Why typing as <paramref name="step"/> plans is sensitive, or <see langword="null"/>: the field at its target (or,
    /// without one, the focused element) is a secret field or a frame that cannot be inspected, checked in the DOM now,
    /// or the model saw a password field under the label.
    /// </summary>
    internal static async Task<string?> SensitivityAsync(IPage page, TypeInto step, WebExecutorOptions options, CancellationToken ct)
    {
        if (step.Target is { } target)
        {
            var info = await ElementAtAsync(page, target.At, retarget: false, options, ct).ConfigureAwait(false);
            return info?.SensitiveReason ?? (step.SeenAsPassword ? SetOfMarks.PasswordReason : null);
        }
        var focused = await FocusedAsync(page, options, ct).ConfigureAwait(false);
        return focused?.SensitiveReason;
    }

    private static int MaxText(WebExecutorOptions options) => Math.Min(options.MaxElementTextLength, DescribedTextLength);
}
