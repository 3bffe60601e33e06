using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Screens;
using SkiaSharp;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Drives an Android device (or emulator) through the <c>adb</c> command-line client, the way Open-AutoGLM's
/// executor does: <c>input tap/swipe/keyevent</c>, <c>monkey</c> to launch apps, ADB Keyboard
/// broadcasts to type, <c>exec-out screencap -p</c> to look and <c>dumpsys window</c> for the foreground app.
/// Runs AutoGLM-Phone actions and GLM-V mobile (AndroidWorld) actions.
/// </summary>
/// <remarks>
/// <para>Coordinates are the action's thousandths converted to pixels of the observation's screenshot and truncated
/// (AutoGLM's <c>int(x / 1000 * width)</c>), clamped to the screen.</para>
/// <para>Every adb call goes through one runner that starts adb with an argument list (no host shell), so nothing
/// the model writes is interpreted on this computer. On the device, <c>adb shell</c> joins its arguments with spaces
/// and hands the line to <c>sh -c</c>, so the executor single-quotes every argument that is not plainly safe
/// (text typed with <c>input text</c>, an input method id read from the device); ADB Keyboard text travels as
/// base64, which needs no quoting.</para>
/// <para>Failures of the device setup (adb missing, no device, unauthorized, ADB Keyboard missing) throw
/// <see cref="AdbException"/>; actions the device cannot do (an unknown app, a missing coordinate) come back as a
/// failed <see cref="GuiActionOutcome"/> so the model can try something else.</para>
/// </remarks>
public sealed partial class AdbDeviceExecutor : IGuiExecutor
{
    /// <summary>What <see cref="GuiObservation.CurrentApp"/> says when the foreground app is not in the package map (AutoGLM's wording).</summary>
    public const string SystemHome = "System Home";

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly AdbExecutorOptions _options;
    private readonly AdbRunner _adb;
    private readonly Dictionary<string, string> _packageByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _packageByLooseName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _nameByPackage = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private (int Width, int Height)? _lastScreenSize;
    private Screenshot? _placeholder;

    /// <summary>Creates an executor; nothing runs until the first observation.</summary>
    public AdbDeviceExecutor(AdbExecutorOptions? options = null)
    {
        _options = options ?? new AdbExecutorOptions();
        _adb = new AdbRunner(_options);
        ArgumentNullException.ThrowIfNull(_options.AppPackages, "options.AppPackages");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.FallbackScreenSize.Width, "options.FallbackScreenSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.FallbackScreenSize.Height, "options.FallbackScreenSize");
        ArgumentOutOfRangeException.ThrowIfNegative(_options.ClearKeyPresses, "options.ClearKeyPresses");
        foreach (var (name, package) in _options.AppPackages)
        {
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(package)) continue;
            _packageByName.TryAdd(name.Trim(), package);
            _packageByLooseName.TryAdd(Loose(name), package);
            _nameByPackage.TryAdd(package, name.Trim());
        }
    }

    /// <summary>The settings.</summary>
    public AdbExecutorOptions Options => _options;

    /// <inheritdoc />
    public string Platform => "android";

    // ------------------------------------------------------------------ observing

    /// <inheritdoc />
    /// <remarks>
    /// Takes a screenshot with <c>exec-out screencap -p</c>. When the device returns no image (a secure screen
    /// prints <c>Status: -1</c> or <c>Failed</c>) the observation is a black placeholder of the last known screen
    /// size (else <c>wm size</c>, else <see cref="AdbExecutorOptions.FallbackScreenSize"/>) with
    /// <see cref="GuiObservation.IsSensitiveScreen"/> set. <see cref="GuiObservation.CurrentApp"/> is the display
    /// name of the focused package, or <see cref="SystemHome"/>; <see cref="GuiObservation.Location"/> is the
    /// focused component (<c>package/activity</c>) when there is one.
    /// </remarks>
    public async Task<GuiObservation> ObserveAsync(CancellationToken cancellationToken = default)
    {
        var (screenshot, secure) = await TakeScreenshotAsync(cancellationToken).ConfigureAwait(false);
        var (app, component) = await GetForegroundAsync(cancellationToken).ConfigureAwait(false);
        return new GuiObservation(screenshot) { CurrentApp = app, Location = component, IsSensitiveScreen = secure };
    }

    /// <summary>The foreground app's display name from the package map, or <see cref="SystemHome"/>.</summary>
    public async Task<string> GetCurrentAppAsync(CancellationToken cancellationToken = default) =>
        (await GetForegroundAsync(cancellationToken).ConfigureAwait(false)).App;

    /// <summary>The display size <c>wm size</c> reports (the override size when one is set), or <see langword="null"/>.</summary>
    public async Task<(int Width, int Height)?> GetScreenSizeAsync(CancellationToken cancellationToken = default)
    {
        string text = (await _adb.ShellAsync(cancellationToken, "wm", "size").ConfigureAwait(false)).OutputText;
        (int, int)? physical = null, overridden = null;
        foreach (Match m in WmSizeRegex().Matches(text))
        {
            var size = (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
            if (size.Item1 <= 0 || size.Item2 <= 0) continue;
            if (m.Groups[1].Value == "Override") overridden = size;
            else physical = size;
        }
        return overridden ?? physical;
    }

    private async Task<(Screenshot Screenshot, bool Secure)> TakeScreenshotAsync(CancellationToken ct)
    {
        byte[] output = (await _adb.RunAsync(["exec-out", "screencap", "-p"], ct).ConfigureAwait(false)).StandardOutput;
        // Some devices print a warning line before the PNG; look for the signature near the start.
        int at = output.AsSpan(0, Math.Min(output.Length, 4096)).IndexOf(PngSignature);
        if (at >= 0)
        {
            try
            {
                var screenshot = Screenshot.FromEncoded(at == 0 ? output : output[at..]);
                lock (_gate) _lastScreenSize = (screenshot.Width, screenshot.Height);
                return (screenshot, false);
            }
            catch (InvalidDataException)
            {
                // Truncated or corrupt: treat like a refused screenshot.
            }
        }
        // Not an image: a secure (FLAG_SECURE) screen prints "Status: -1" / "Failed"; anything else is treated the
        // same way, so the model sees a black screen flagged as sensitive rather than the run crashing.
        (int Width, int Height)? known;
        lock (_gate) known = _lastScreenSize;
        var size = known ?? await GetScreenSizeAsync(ct).ConfigureAwait(false) ?? _options.FallbackScreenSize;
        return (Placeholder(size.Width, size.Height), true);
    }

    private Screenshot Placeholder(int width, int height)
    {
        lock (_gate)
        {
            if (_placeholder is { } p && p.Width == width && p.Height == height) return p;
        }
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(SKColors.Black);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        var placeholder = new Screenshot(png.ToArray(), "image/png", width, height);
        lock (_gate) _placeholder = placeholder;
        return placeholder;
    }

    private async Task<(string App, string? Component)> GetForegroundAsync(CancellationToken ct)
    {
        string text = (await _adb.ShellAsync(ct, "dumpsys", "window").ConfigureAwait(false)).OutputText;
        var lines = text.Split('\n');
        string? firstComponent = null;
        // mCurrentFocus is the focused window; mFocusedApp the focused activity (the fallback when a popup or the
        // status bar has focus). Only those lines count: the rest of the dump lists every window on screen.
        foreach (string key in (string[])["mCurrentFocus", "mFocusedApp"])
        {
            foreach (string line in lines)
            {
                if (!line.Contains(key, StringComparison.Ordinal)) continue;
                foreach (Match m in ComponentRegex().Matches(line))
                {
                    firstComponent ??= m.Value;
                    if (_nameByPackage.TryGetValue(m.Groups[1].Value, out string? name)) return (name, m.Value);
                }
            }
        }
        return (SystemHome, firstComponent);
    }

    // ------------------------------------------------------------------ acting

    /// <inheritdoc />
    public async Task<GuiActionOutcome> ExecuteAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        int width = observation.Screenshot.Width, height = observation.Screenshot.Height;
        var ct = cancellationToken;
        switch (action.Kind)
        {
            case GuiActionKind.Click:
            {
                if (!TryPixels(action.Point, width, height, out int x, out int y)) return NeedsPoint(action);
                return await InputAsync(ct, $"tapped ({x}, {y})", "tap", Str(x), Str(y)).ConfigureAwait(false);
            }
            case GuiActionKind.DoubleClick:
            {
                if (!TryPixels(action.Point, width, height, out int x, out int y)) return NeedsPoint(action);
                var first = await InputAsync(ct, "", "tap", Str(x), Str(y)).ConfigureAwait(false);
                if (!first.Succeeded) return first;
                await Task.Delay(_options.DoubleTapInterval, ct).ConfigureAwait(false);
                return await InputAsync(ct, $"double-tapped ({x}, {y})", "tap", Str(x), Str(y)).ConfigureAwait(false);
            }
            case GuiActionKind.LongPress:
            {
                if (!TryPixels(action.Point, width, height, out int x, out int y)) return NeedsPoint(action);
                int ms = (int)_options.LongPressDuration.TotalMilliseconds;
                return await InputAsync(ct, $"long-pressed ({x}, {y}) for {ms} ms", "swipe", Str(x), Str(y), Str(x), Str(y), Str(ms)).ConfigureAwait(false);
            }
            case GuiActionKind.Swipe:
                return await SwipeAsync(action, width, height, ct).ConfigureAwait(false);
            case GuiActionKind.NavigateBack:
                return await InputAsync(ct, "pressed Back", "keyevent", "4").ConfigureAwait(false);
            case GuiActionKind.NavigateHome:
                return await InputAsync(ct, "pressed Home", "keyevent", "KEYCODE_HOME").ConfigureAwait(false);
            case GuiActionKind.OpenApp:
                return await LaunchAsync(action.App, ct).ConfigureAwait(false);
            case GuiActionKind.TypeText:
                return await TypeAsync(action, width, height, ct).ConfigureAwait(false);
            case GuiActionKind.Key:
                return await KeyAsync(action, ct).ConfigureAwait(false);
            case GuiActionKind.Wait:
            {
                var duration = action.Duration ?? _options.WaitDuration;
                await Task.Delay(duration, ct).ConfigureAwait(false);
                return GuiActionOutcome.Success($"waited {duration.TotalSeconds:0.###} s");
            }
            default:
                return GuiActionOutcome.Failure($"'{action.Name}' ({action.Kind}) is not supported on an Android device.");
        }
    }

    /// <inheritdoc />
    /// <remarks>Typing while the device hides the screen (a secure screen: password or payment pages) needs confirmation.</remarks>
    public ValueTask<string?> GetSensitivityAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(action?.Kind == GuiActionKind.TypeText && observation?.IsSensitiveScreen == true
            ? "typing on a secure screen the device hides from screenshots (usually a password or payment page)"
            : null);

    private async Task<GuiActionOutcome> SwipeAsync(GuiAction action, int width, int height, CancellationToken ct)
    {
        int x1, y1, x2, y2;
        if (action.Point is not null && action.EndPoint is not null)
        {
            // AutoGLM: explicit start and end.
            TryPixels(action.Point, width, height, out x1, out y1);
            TryPixels(action.EndPoint, width, height, out x2, out y2);
        }
        else if (action.Direction is { } direction)
        {
            // GLM-V mobile: the finger moves in `direction` across the middle 60% of the box (or of the screen).
            double left = 0, top = 0, right = width, bottom = height;
            if (action.Box is { } box)
            {
                var (p, q) = box.ToPixels(width, height);
                (left, top, right, bottom) = (p.X, p.Y, q.X, q.Y);
            }
            double cx = (left + right) / 2, cy = (top + bottom) / 2, dx = (right - left) * 0.3, dy = (bottom - top) * 0.3;
            (double sx, double sy, double ex, double ey) = direction switch
            {
                GuiDirection.Up => (cx, cy + dy, cx, cy - dy),
                GuiDirection.Down => (cx, cy - dy, cx, cy + dy),
                GuiDirection.Left => (cx + dx, cy, cx - dx, cy),
                _ => (cx - dx, cy, cx + dx, cy),
            };
            (x1, y1) = (Clamp(sx, width), Clamp(sy, height));
            (x2, y2) = (Clamp(ex, width), Clamp(ey, height));
        }
        else
        {
            return GuiActionOutcome.Failure("A swipe needs a start and an end point, or a direction.");
        }
        // AutoGLM: duration = clamp(distance² / 1000, 1000, 2000) ms, so long swipes scroll rather than fling.
        long distanceSquared = (long)(x1 - x2) * (x1 - x2) + (long)(y1 - y2) * (y1 - y2);
        int duration = (int)Math.Clamp(distanceSquared / 1000, 1000, 2000);
        return await InputAsync(ct, $"swiped ({x1}, {y1}) → ({x2}, {y2}) in {duration} ms",
            "swipe", Str(x1), Str(y1), Str(x2), Str(y2), Str(duration)).ConfigureAwait(false);
    }

    private async Task<GuiActionOutcome> LaunchAsync(string? app, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(app)) return GuiActionOutcome.Failure("Launching needs an app name.");
        if (!TryFindPackage(app, out string? package))
            return GuiActionOutcome.Failure($"Unknown app '{app}': it is not in the app list (AdbExecutorOptions.AppPackages). Open it from the home screen or the app drawer instead.");
        if (!PackageRegex().IsMatch(package))
            return GuiActionOutcome.Failure($"'{package}' (for '{app}') is not a valid Android package name.");
        string output = (await _adb.ShellAsync(ct, "monkey", "-p", package, "-c", "android.intent.category.LAUNCHER", "1").ConfigureAwait(false)).OutputText;
        if (output.Contains("No activities found", StringComparison.OrdinalIgnoreCase) || output.Contains("monkey aborted", StringComparison.OrdinalIgnoreCase))
            return GuiActionOutcome.Failure($"'{app}' ({package}) is not installed on the device.");
        return GuiActionOutcome.Success($"launched {app} ({package})");
    }

    private bool TryFindPackage(string app, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? package)
    {
        string name = app.Trim();
        if (_packageByName.TryGetValue(name, out package) || _packageByLooseName.TryGetValue(Loose(name), out package)) return true;
        // A package name the map knows is accepted as it is.
        if (_nameByPackage.ContainsKey(name))
        {
            package = name;
            return true;
        }
        package = null;
        return false;
    }

    private async Task<GuiActionOutcome> TypeAsync(GuiAction action, int width, int height, CancellationToken ct)
    {
        string text = action.Text ?? "";
        bool clear = action.ReplaceText;
        var done = new List<string>();

        // GLM-V mobile input_text names the field: focus it first. AutoGLM types into the focused field.
        if (action.Point is not null)
        {
            TryPixels(action.Point, width, height, out int x, out int y);
            var tap = await InputAsync(ct, "", "tap", Str(x), Str(y)).ConfigureAwait(false);
            if (!tap.Succeeded) return tap;
            done.Add($"tapped ({x}, {y})");
        }

        if (_options.UseAdbKeyboard)
        {
            await TypeWithAdbKeyboardAsync(text, clear, ct).ConfigureAwait(false);
        }
        else
        {
            if (text.Any(c => c > '~' || (c < ' ' && c != '\n')))
                return GuiActionOutcome.Failure("`input text` can type only ASCII. Install ADB Keyboard on the device and set AdbExecutorOptions.UseAdbKeyboard = true to type this text.");
            if (clear && _options.ClearKeyPresses > 0)
            {
                var end = await InputAsync(ct, "", "keyevent", "KEYCODE_MOVE_END").ConfigureAwait(false);
                if (!end.Succeeded) return end;
                var del = await InputAsync(ct, "", ["keyevent", .. Enumerable.Repeat("67", _options.ClearKeyPresses)]).ConfigureAwait(false);
                if (!del.Succeeded) return del;
            }
            if (text.Length > 0)
            {
                // `input text` turns "%s" into a space, and a literal space would split the argument on the device.
                var typed = await InputAsync(ct, "", "text", text.Replace(" ", "%s", StringComparison.Ordinal)).ConfigureAwait(false);
                if (!typed.Succeeded) return typed;
            }
        }
        if (clear) done.Add("cleared the field");
        done.Add($"typed \"{text}\"");

        if (action.PressEnter && _options.PressEnterAfterInputText)
        {
            var enter = await InputAsync(ct, "", "keyevent", "66").ConfigureAwait(false);
            if (!enter.Succeeded) return enter;
            done.Add("pressed Enter");
        }
        return GuiActionOutcome.Success(string.Join(", ", done));
    }

    /// <summary>
    /// AutoGLM's sequence: remember the input method, switch to ADB Keyboard, <c>ADB_CLEAR_TEXT</c>,
    /// <c>ADB_INPUT_B64</c> with the UTF-8 text in base64, switch back.
    /// </summary>
    private async Task TypeWithAdbKeyboardAsync(string text, bool clear, CancellationToken ct)
    {
        string ime = _options.KeyboardIme;
        string original = (await _adb.ShellAsync(ct, "settings", "get", "secure", "default_input_method").ConfigureAwait(false)).OutputText.Trim();
        bool switched = false;
        Exception? failure = null;
        try
        {
            if (original != ime)
            {
                string enabled = (await _adb.ShellAsync(ct, "ime", "enable", ime).ConfigureAwait(false)).OutputText;
                string selected = (await _adb.ShellAsync(ct, "ime", "set", ime).ConfigureAwait(false)).OutputText;
                if (IsImeRefusal(enabled) || IsImeRefusal(selected))
                    throw new AdbException(AdbErrorKind.KeyboardMissing,
                        $"The input method {ime} (ADB Keyboard) is not installed on the device ({selected.Trim()}). Install ADBKeyboard.apk " +
                        "(https://github.com/senzhk/ADBKeyBoard) with `adb install`, or set AdbExecutorOptions.UseAdbKeyboard = false to type ASCII with `input text`.",
                        $"adb shell ime set {ime}");
                switched = true;
                await Delay(_options.TextInputDelay, ct).ConfigureAwait(false);
            }
            if (clear)
            {
                await _adb.ShellAsync(ct, "am", "broadcast", "-a", "ADB_CLEAR_TEXT").ConfigureAwait(false);
                await Delay(_options.TextInputDelay, ct).ConfigureAwait(false);
            }
            if (text.Length > 0)
            {
                string base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
                await _adb.ShellAsync(ct, "am", "broadcast", "-a", "ADB_INPUT_B64", "--es", "msg", base64).ConfigureAwait(false);
                await Delay(_options.TextInputDelay, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            if (switched && original.Length > 0 && original != "null" && !original.Contains('\n'))
            {
                try
                {
                    // Restore even when cancelled: leaving the user's phone on ADB Keyboard would be rude.
                    await _adb.ShellAsync(CancellationToken.None, "ime", "set", original).ConfigureAwait(false);
                }
                catch (AdbException) when (failure is not null)
                {
                    // Report the first failure, not the restore's.
                }
            }
        }
    }

    private static bool IsImeRefusal(string output) =>
        output.Contains("Unknown input method", StringComparison.OrdinalIgnoreCase) || output.Contains("cannot be", StringComparison.OrdinalIgnoreCase);

    private async Task<GuiActionOutcome> KeyAsync(GuiAction action, CancellationToken ct)
    {
        string? key = action.Keys;
        string? code = key?.Trim().ToLowerInvariant() switch
        {
            "enter" or "return" => "66",
            "back" => "4",
            "home" => "KEYCODE_HOME",
            "tab" => "61",
            "backspace" or "delete" or "del" => "67",
            "escape" or "esc" => "111",
            "space" => "62",
            "search" => "84",
            "menu" => "82",
            _ => null,
        };
        return code is null
            ? GuiActionOutcome.Failure($"The key '{key}' cannot be pressed on an Android device (Enter, Back, Home, Tab, Backspace, Escape, Space, Search and Menu can).")
            : await InputAsync(ct, $"pressed {key}", "keyevent", code).ConfigureAwait(false);
    }

    /// <summary><c>adb shell input …</c>; device-side errors become a failed outcome, refused injection an exception.</summary>
    private async Task<GuiActionOutcome> InputAsync(CancellationToken ct, string success, params string[] words)
    {
        var result = await _adb.ShellAsync(ct, ["input", .. words]).ConfigureAwait(false);
        string output = (result.OutputText + "\n" + result.StandardError).Trim();
        if (output.Contains("INJECT_EVENTS", StringComparison.Ordinal) || output.Contains("SecurityException", StringComparison.Ordinal))
            throw new AdbException(AdbErrorKind.InputRejected,
                "The device refused injected input. On Xiaomi/MIUI/HyperOS phones enable \"USB debugging (Security settings)\" in Developer options; " +
                $"on others check that USB debugging is allowed for input. Device said: {FirstLine(output)}",
                result.Command, result.ExitCode, result.StandardError);
        if (output.StartsWith("Error", StringComparison.OrdinalIgnoreCase) || output.Contains("Exception", StringComparison.Ordinal))
            return GuiActionOutcome.Failure($"`input {string.Join(' ', words.Take(3))}` failed on the device: {FirstLine(output)}");
        return GuiActionOutcome.Success(success);
    }

    // ------------------------------------------------------------------ helpers

    private static GuiActionOutcome NeedsPoint(GuiAction action) => GuiActionOutcome.Failure($"'{action.Name}' needs a point on the screen.");

    /// <summary>Thousandths → pixels, truncated like AutoGLM's <c>int()</c>, clamped to the screen.</summary>
    private static bool TryPixels(GuiPoint? point, int width, int height, out int x, out int y)
    {
        x = y = 0;
        if (point is not { } p) return false;
        var pixels = p.ToPixels(width, height);
        x = Clamp(pixels.X, width);
        y = Clamp(pixels.Y, height);
        return true;
    }

    private static int Clamp(double v, int size) => double.IsNaN(v) ? 0 : (int)Math.Clamp(Math.Truncate(v), 0, size - 1);

    private static Task Delay(TimeSpan delay, CancellationToken ct) => delay > TimeSpan.Zero ? Task.Delay(delay, ct) : Task.CompletedTask;

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string FirstLine(string text)
    {
        int nl = text.IndexOf('\n');
        return (nl < 0 ? text : text[..nl]).Trim();
    }

    /// <summary>A name without case, blanks, hyphens or underscores ("Google-Maps" = "google maps" = "GoogleMaps").</summary>
    private static string Loose(string name) =>
        string.Concat(name.Where(c => !char.IsWhiteSpace(c) && c is not ('-' or '_'))).ToLowerInvariant();

    [GeneratedRegex(@"(Physical|Override) size:\s*(\d+)\s*x\s*(\d+)")]
    private static partial Regex WmSizeRegex();

    /// <summary>A component <c>package/activity</c> as it appears in <c>dumpsys window</c> lines.</summary>
    [GeneratedRegex(@"\b([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)/[A-Za-z0-9_.$]+")]
    private static partial Regex ComponentRegex();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")]
    private static partial Regex PackageRegex();

}
