using System.Text.Json;
using Glm4vSK.Agents.Executors;
using Microsoft.Playwright;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// Performs a <see cref="WebPlan"/>'s step on a page with Playwright and says what happened. It decides nothing the
/// plan decided; it only asks the page what the plan could not know (the element at a point, a <c>&lt;select&gt;</c>,
/// a secret field, how far a box scrolled, whether a navigation went through).
/// </summary>
/// <param name="options">The executor's settings (typing delay, navigation timeout, element text length).</param>
/// <param name="blockedPageLoads">How many page loads the navigation guard has blocked so far.</param>
/// <param name="navigate">Opens an allowed URL in the current page (<see cref="PlaywrightWebExecutor.NavigateAsync(Uri, CancellationToken)"/>).</param>
internal sealed class WebPlanRunner(
    WebExecutorOptions options,
    Func<int> blockedPageLoads,
    Func<Uri, CancellationToken, Task<GuiActionOutcome>> navigate)
{
    /// <summary>
    /// Performs <paramref name="plan"/> on <paramref name="page"/>. <paramref name="checkedNotSensitive"/>: the
    /// executor's sensitivity check passed this very action, so a typing step that finds a secret field now (the page
    /// moved the focus or changed the field since) refuses instead of typing without confirmation.
    /// </summary>
    public async Task<GuiActionOutcome> RunAsync(IPage page, WebPlan plan, bool checkedNotSensitive, CancellationToken ct)
    {
        if (plan.Failure is { } failure) return GuiActionOutcome.Failure(failure);
        switch (plan.Step)
        {
            case PointerAt p:
                return await PointAsync(page, p, ct).ConfigureAwait(false);
            case DragBetween d:
                await page.Mouse.MoveAsync((float)d.From.X, (float)d.From.Y).WaitAsync(ct).ConfigureAwait(false);
                await page.Mouse.DownAsync().WaitAsync(ct).ConfigureAwait(false);
                await page.Mouse.MoveAsync((float)d.To.X, (float)d.To.Y, new MouseMoveOptions { Steps = d.MoveSteps }).WaitAsync(ct).ConfigureAwait(false);
                await page.Mouse.UpAsync().WaitAsync(ct).ConfigureAwait(false);
                return GuiActionOutcome.Success(d.Description);
            case TypeInto t:
                return await TypeAsync(page, t, checkedNotSensitive, ct).ConfigureAwait(false);
            case PressKeys k:
                foreach (string press in k.Presses)
                    await page.Keyboard.PressAsync(press).WaitAsync(ct).ConfigureAwait(false);
                return GuiActionOutcome.Success(k.Description);
            case ScrollBox s:
            {
                var at = s.Around?.At ?? new WebPoint(0, 0);
                var result = await page.EvaluateAsync<JsonElement?>(SetOfMarks.ScrollScript,
                    new { x = at.X, y = at.Y, element = s.Around is not null, sign = s.Sign, amount = s.Pixels }).WaitAsync(ct).ConfigureAwait(false);
                return SetOfMarks.ReadScroll(result) is { } report
                    ? report.Describe(s)
                    : GuiActionOutcome.Failure("the page did not answer the scroll");
            }
            case Wheel w:
                await page.Mouse.MoveAsync((float)w.At.X, (float)w.At.Y).WaitAsync(ct).ConfigureAwait(false);
                await page.Mouse.WheelAsync((float)w.Dx, (float)w.Dy).WaitAsync(ct).ConfigureAwait(false);
                // Wheel scrolling is asynchronous: let it and the layout settle before the next observation.
                await page.EvaluateAsync(SetOfMarks.TwoFramesScript).WaitAsync(ct).ConfigureAwait(false);
                return GuiActionOutcome.Success(w.Description);
            case GoBack:
                return await GoBackAsync(page, ct).ConfigureAwait(false);
            case Navigate n:
                return await navigate(n.Url, ct).ConfigureAwait(false);
            case WaitFor w:
                await Task.Delay(w.Duration, ct).ConfigureAwait(false);
                return GuiActionOutcome.Success(w.Description);
            default:
                throw new InvalidOperationException($"The web plan step {plan.Step} has no interpretation; WebPlanRunner.RunAsync must handle every WebStep.");
        }
    }

    private async Task<GuiActionOutcome> PointAsync(IPage page, PointerAt step, CancellationToken ct)
    {
        var info = await PageProbe.ElementAtAsync(page, step.Target.At, step.Retarget, options, ct).ConfigureAwait(false);
        var (x, y) = ((float)step.Target.At.X, (float)step.Target.At.Y);
        switch (step.Gesture)
        {
            case WebGesture.Click:
                await page.Mouse.ClickAsync(x, y).WaitAsync(ct).ConfigureAwait(false);
                break;
            case WebGesture.DoubleClick:
                await page.Mouse.DblClickAsync(x, y).WaitAsync(ct).ConfigureAwait(false);
                break;
            case WebGesture.RightClick:
                await page.Mouse.ClickAsync(x, y, new MouseClickOptions { Button = MouseButton.Right }).WaitAsync(ct).ConfigureAwait(false);
                break;
            case WebGesture.MiddleClick:
                await page.Mouse.ClickAsync(x, y, new MouseClickOptions { Button = MouseButton.Middle }).WaitAsync(ct).ConfigureAwait(false);
                break;
            case WebGesture.LongPress:
                await page.Mouse.MoveAsync(x, y).WaitAsync(ct).ConfigureAwait(false);
                await page.Mouse.DownAsync().WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await Task.Delay(step.Hold, ct).ConfigureAwait(false);
                }
                finally
                {
                    // Released even when cancelled, so that the page is not left with a button held down.
                    await page.Mouse.UpAsync().ConfigureAwait(false);
                }
                break;
            default:
                await page.Mouse.MoveAsync(x, y).WaitAsync(ct).ConfigureAwait(false);
                break;
        }
        return GuiActionOutcome.Success($"{step.Verb} {step.Target.Describe(info)}");
    }

    private async Task<GuiActionOutcome> TypeAsync(IPage page, TypeInto step, bool checkedNotSensitive, CancellationToken ct)
    {
        SetOfMarks.ElementInfo? info = null;
        string where = "the focused element";
        if (step.Target is { } target)
        {
            info = await PageProbe.ElementAtAsync(page, target.At, retarget: false, options, ct).ConfigureAwait(false);
            if (info is { Select: true }) return await ChooseAsync(page, target, info, step.Text, ct).ConfigureAwait(false);
            await page.Mouse.ClickAsync((float)target.At.X, (float)target.At.Y).WaitAsync(ct).ConfigureAwait(false);
            where = target.Describe(info);
        }

        var focused = await PageProbe.FocusedAsync(page, options, ct).ConfigureAwait(false);
        // The same tests as the executor's sensitivity check: a secret is never echoed into the outcome (and so the trace).
        string? sensitive = focused?.SensitiveReason ?? info?.SensitiveReason ?? (step.SeenAsPassword ? SetOfMarks.PasswordReason : null);
        // Checked as not sensitive, sensitive now: the page moved the focus (or changed the field) after the check,
        // e.g. from a focus handler; typing now would skip the confirmation.
        if (sensitive is not null && checkedNotSensitive)
            return GuiActionOutcome.Failure(
                $"not typed: this is now {sensitive}, which it was not when the action was checked (the page moved the focus or " +
                "changed the field); observe again and retry");
        if (step.Clear)
        {
            await page.Keyboard.PressAsync("ControlOrMeta+a").WaitAsync(ct).ConfigureAwait(false);
            await page.Keyboard.PressAsync("Backspace").WaitAsync(ct).ConfigureAwait(false);
        }
        await page.Keyboard.TypeAsync(step.Text, new KeyboardTypeOptions { Delay = options.TypeDelayMs }).WaitAsync(ct).ConfigureAwait(false);
        if (step.Enter) await page.Keyboard.PressAsync("Enter").WaitAsync(ct).ConfigureAwait(false);
        return GuiActionOutcome.Success(step.Describe(where, secret: sensitive is not null, focused));
    }

    /// <summary>Typing into a <c>&lt;select&gt;</c> chooses the option whose text or value matches.</summary>
    private static async Task<GuiActionOutcome> ChooseAsync(IPage page, WebTarget target, SetOfMarks.ElementInfo info, string text, CancellationToken ct)
    {
        var picked = await page.EvaluateAsync<JsonElement?>(SetOfMarks.SelectOptionScript, new { x = target.At.X, y = target.At.Y, text })
            .WaitAsync(ct).ConfigureAwait(false);
        if (picked is { } p && SetOfMarks.Bool(p, "ok"))
            return GuiActionOutcome.Success($"chose \"{SetOfMarks.String(p, "chosen")}\" in {target.Describe(info)}");
        string choices = picked is { } q && q.TryGetProperty("options", out var list) && list.ValueKind == JsonValueKind.Array
            ? string.Join(", ", list.EnumerateArray().Select(o => $"\"{o.GetString()}\""))
            : "";
        return GuiActionOutcome.Failure($"{target.Describe(info)} has no option \"{text}\" (options: {choices})");
    }

    private async Task<GuiActionOutcome> GoBackAsync(IPage page, CancellationToken ct)
    {
        string before = page.Url;
        int blockedBefore = blockedPageLoads();
        IResponse? response;
        try
        {
            response = await page.GoBackAsync(new PageGoBackOptions
            {
                Timeout = (float)options.NavigationTimeout.TotalMilliseconds,
                WaitUntil = WaitUntilState.Load,
            }).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (PlaywrightException ex) when (!page.IsClosed)
        {
            return GuiActionOutcome.Failure(blockedPageLoads() > blockedBefore
                ? "going back was blocked: the previous page is not an allowed site"
                : $"going back failed: {WebText.FirstLine(ex.Message)}");
        }
        if (response is null && page.Url == before) return GuiActionOutcome.Failure("there is no previous page to go back to");
        return GuiActionOutcome.Success($"went back to {page.Url}");
    }
}
