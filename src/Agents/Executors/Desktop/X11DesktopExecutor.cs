using System.ComponentModel;
using System.Globalization;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Drives an X11 desktop (typically an <c>Xvfb</c> display) for the GLM-V PC protocol (GLM-4.1V and GLM-4.5V styles):
/// screenshots in-process through libX11 (<c>XGetImage</c>), input through the <c>xdotool</c> process.
/// </summary>
/// <remarks>
/// <para>With no window manager, keyboard focus follows the pointer: <c>type</c> and <c>key</c> go to the window
/// under the pointer, so the model clicks (or hovers) a window before typing into it. This executor never moves the
/// pointer for a PC <c>type</c>, which has no point.</para>
/// <para>Coordinates: the action's thousandths are converted with <see cref="GuiAction.ToPixels"/> against the
/// observation's screenshot, scaled to the screen when the screenshot was resized, truncated and clamped to the
/// screen. <c>scroll</c> sends <c>step</c> wheel clicks (button 4 up, 5 down, 6 left, 7 right) at the point;
/// <c>WAIT()</c> waits <see cref="X11ExecutorOptions.WaitDuration"/>. Mobile-only actions (home, back, launch,
/// swipe, long press) come back as failed outcomes.</para>
/// </remarks>
public sealed class X11DesktopExecutor : IGuiExecutor
{
    private readonly X11ExecutorOptions _options;
    private readonly Dictionary<string, string> _environment;
    private ScreenSize? _screen;

    private sealed record ScreenSize(int Width, int Height);

    /// <summary>Creates an executor for <see cref="X11ExecutorOptions.Display"/> (or <c>DISPLAY</c>).</summary>
    /// <exception cref="X11DisplayException">Neither the options nor the environment name a display.</exception>
    public X11DesktopExecutor(X11ExecutorOptions? options = null)
    {
        _options = options ?? new X11ExecutorOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.XdotoolPath, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.ScrollClicksDefault, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxScrollClicks, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.TypeDelayMs, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.DoubleClickDelayMs, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.DragStepDelayMs, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.WaitDuration, TimeSpan.Zero, nameof(options));
        string? display = string.IsNullOrWhiteSpace(_options.Display) ? Environment.GetEnvironmentVariable("DISPLAY") : _options.Display;
        if (string.IsNullOrWhiteSpace(display))
            throw new X11DisplayException(null,
                "No X display given: set X11ExecutorOptions.Display (for example \":99\") or the DISPLAY environment variable, " +
                "after starting a server such as 'Xvfb :99 -screen 0 1280x800x24 -nolisten tcp &'.");
        Display = display;
        _environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["DISPLAY"] = display };
    }

    /// <summary>The X display this executor drives (<c>:99</c>).</summary>
    public string Display { get; }

    /// <summary>The settings.</summary>
    public X11ExecutorOptions Options => _options;

    /// <inheritdoc />
    public string Platform => "desktop";

    /// <inheritdoc />
    /// <exception cref="X11DisplayException">The display does not answer or libX11 is missing.</exception>
    public async Task<GuiObservation> ObserveAsync(CancellationToken cancellationToken = default) =>
        new(await CaptureScreenshotAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Captures the whole screen as a PNG <see cref="Screenshot"/> of the screen's size.</summary>
    /// <exception cref="X11DisplayException">The display does not answer or libX11 is missing.</exception>
    public Task<Screenshot> CaptureScreenshotAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() =>
        {
            var shot = X11ScreenCapture.Capture(Display);
            _screen = new ScreenSize(shot.Width, shot.Height);
            return shot;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="XdotoolException">xdotool is missing, failed or hung.</exception>
    public async Task<GuiActionOutcome> ExecuteAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        var shot = observation.Screenshot;
        var screen = _screen ?? new ScreenSize(shot.Width, shot.Height);
        var plan = Plan(action, shot.Width, shot.Height, screen.Width, screen.Height);
        if (plan.Failure is not null) return GuiActionOutcome.Failure(plan.Failure);
        if (plan.Wait is { } wait)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            return GuiActionOutcome.Success(plan.Description);
        }
        await RunXdotoolAsync(plan.Arguments!, cancellationToken).ConfigureAwait(false);
        return GuiActionOutcome.Success(plan.Description);
    }

    /// <summary>
    /// Runs xdotool with <paramref name="arguments"/> (an argument list, never a shell string) on this display and
    /// returns its standard output.
    /// </summary>
    /// <exception cref="XdotoolException">xdotool is missing, exited non-zero or ran past <see cref="X11ExecutorOptions.CommandTimeout"/>.</exception>
    public async Task<string> RunXdotoolAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ToolProcess.Result result;
        try
        {
            result = await ToolProcess.RunAsync(_options.XdotoolPath, arguments, _environment, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception ex)
        {
            throw new XdotoolException(
                $"xdotool could not be started ('{_options.XdotoolPath}': {ex.Message}). Install it (Debian: apt-get install xdotool) " +
                "or set X11ExecutorOptions.XdotoolPath to its full path.", arguments, innerException: ex);
        }
        catch (TimeoutException ex)
        {
            throw new XdotoolException($"xdotool {string.Join(' ', arguments)} on display '{Display}' {ex.Message.Replace($"'{_options.XdotoolPath}' ", "", StringComparison.Ordinal)}",
                arguments, innerException: ex);
        }
        if (result.ExitCode != 0)
        {
            string stderr = result.StandardError.Trim();
            string hint = stderr.Contains("open display", StringComparison.OrdinalIgnoreCase)
                ? $" The X display '{Display}' does not answer: start it (for example 'Xvfb {Display} -screen 0 1280x800x24 -nolisten tcp &') or fix X11ExecutorOptions.Display."
                : "";
            throw new XdotoolException(
                $"xdotool {string.Join(' ', arguments)} failed on display '{Display}' with exit code {result.ExitCode}: {(stderr.Length == 0 ? "(no message)" : stderr)}.{hint}",
                arguments, result.ExitCode, result.StandardError);
        }
        return result.StandardOutput;
    }

    /// <summary>
    /// What <paramref name="action"/> becomes: the xdotool arguments, a wait, or a refusal. Points are converted against
    /// the <paramref name="shotWidth"/> × <paramref name="shotHeight"/> screenshot, scaled to the
    /// <paramref name="screenWidth"/> × <paramref name="screenHeight"/> screen, truncated and clamped to it.
    /// </summary>
    internal XdotoolPlan Plan(GuiAction action, int shotWidth, int shotHeight, int screenWidth, int screenHeight)
    {
        string name = action.Name;
        (int X, int Y)? ToScreen(GuiPoint? point)
        {
            if (point is not { } p) return null;
            var px = p.ToPixels(shotWidth, shotHeight);
            double x = px.X, y = px.Y;
            if (shotWidth != screenWidth) x = x * screenWidth / shotWidth;
            if (shotHeight != screenHeight) y = y * screenHeight / shotHeight;
            return (Math.Clamp((int)x, 0, screenWidth - 1), Math.Clamp((int)y, 0, screenHeight - 1));
        }
        string S(int v) => v.ToString(CultureInfo.InvariantCulture);
        // No 'mousemove --sync': it stalls for about 15 s when the pointer is already at the target (xdotool 3.x
        // waits for a motion that never comes). Without it the order still holds: the button events follow the
        // motion on the same connection, and xdotool syncs with the server when it closes the display.
        string[] MoveTo((int X, int Y) p) => ["mousemove", S(p.X), S(p.Y)];

        var start = ToScreen(action.Point);
        switch (action.Kind)
        {
            case GuiActionKind.Click or GuiActionKind.RightClick or GuiActionKind.MiddleClick or GuiActionKind.DoubleClick or GuiActionKind.Hover
                when start is null:
                return XdotoolPlan.Refuse($"{name} needs a point (start_box='[x,y]') on the desktop");
            case GuiActionKind.Click:
                return XdotoolPlan.Run($"clicked ({start!.Value.X}, {start.Value.Y})", [.. MoveTo(start.Value), "click", "1"]);
            case GuiActionKind.RightClick:
                return XdotoolPlan.Run($"right-clicked ({start!.Value.X}, {start.Value.Y})", [.. MoveTo(start.Value), "click", "3"]);
            case GuiActionKind.MiddleClick:
                return XdotoolPlan.Run($"middle-clicked ({start!.Value.X}, {start.Value.Y})", [.. MoveTo(start.Value), "click", "2"]);
            case GuiActionKind.DoubleClick:
                return XdotoolPlan.Run($"double-clicked ({start!.Value.X}, {start.Value.Y})",
                    [.. MoveTo(start.Value), "click", "--repeat", "2", "--delay", S(_options.DoubleClickDelayMs), "1"]);
            case GuiActionKind.Hover:
                return XdotoolPlan.Run($"moved the pointer to ({start!.Value.X}, {start.Value.Y})", MoveTo(start.Value));

            case GuiActionKind.Drag:
            {
                var end = ToScreen(action.EndPoint);
                if (start is null || end is null) return XdotoolPlan.Refuse($"{name} needs start_box and end_box");
                string pause = (_options.DragStepDelayMs / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
                return XdotoolPlan.Run($"dragged ({start.Value.X}, {start.Value.Y}) to ({end.Value.X}, {end.Value.Y})",
                [
                    .. MoveTo(start.Value), "mousedown", "1", "sleep", pause,
                    .. MoveTo(end.Value), "sleep", pause, "mouseup", "1",
                ]);
            }

            case GuiActionKind.TypeText:
            {
                string? text = action.Text;
                if (text is null) return XdotoolPlan.Refuse($"{name} needs the text to type (content='...')");
                string[] typeArgs = ["type", "--delay", S(_options.TypeDelayMs), "--", text];
                // PC type has no point: the text goes to the window under the pointer. Other protocols' typing
                // actions that name a point focus it with a click first.
                return start is { } at
                    ? XdotoolPlan.Run($"clicked ({at.X}, {at.Y}) and typed {text.Length} characters", [.. MoveTo(at), "click", "1", .. typeArgs])
                    : XdotoolPlan.Run($"typed {text.Length} characters", typeArgs);
            }

            case GuiActionKind.Key:
            {
                string? keys = action.Keys;
                if (!XdotoolKeys.TryTranslate(keys, out var keystrokes, out string? error)) return XdotoolPlan.Refuse(error!);
                return XdotoolPlan.Run($"pressed {keys}", ["key", "--", .. keystrokes]);
            }

            case GuiActionKind.Scroll:
            {
                if (start is null) return XdotoolPlan.Refuse($"{name} needs a point (start_box='[x,y]') on the desktop");
                string? button = action.Direction switch { GuiDirection.Up => "4", GuiDirection.Down => "5", GuiDirection.Left => "6", GuiDirection.Right => "7", _ => null };
                if (button is null) return XdotoolPlan.Refuse($"{name} needs direction='up' or 'down'");
                int clicks = Math.Clamp(action.Steps ?? _options.ScrollClicksDefault, 1, _options.MaxScrollClicks);
                string direction = action.Direction!.Value.ToString().ToLowerInvariant();
                return XdotoolPlan.Run($"scrolled {direction} {clicks} clicks at ({start.Value.X}, {start.Value.Y})",
                    [.. MoveTo(start.Value), "click", "--repeat", S(clicks), "--delay", "30", button]);
            }

            case GuiActionKind.Wait:
            {
                var wait = action.Duration ?? _options.WaitDuration;
                return XdotoolPlan.Delay($"waited {wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s", wait);
            }

            case GuiActionKind.LongPress or GuiActionKind.Swipe or GuiActionKind.NavigateHome or GuiActionKind.NavigateBack
                or GuiActionKind.OpenApp or GuiActionKind.Search:
                return XdotoolPlan.Refuse($"{name} is not available on the desktop (a {action.Protocol} action); use left_click, type, key or scroll");

            default:
                return XdotoolPlan.Refuse($"{name} ({action.Kind}) is not an action the desktop executor performs; the agent loop handles it");
        }
    }
}
