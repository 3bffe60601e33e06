using System.Globalization;
using System.Net;
using System.Text.Json;
using Glm4vSK.Agents.Actions;
using Glm4vSK.Agents.Screens;
using Microsoft.Playwright;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Drives a web page through Microsoft.Playwright and the system Chromium (runtime.md §3): screenshots of the
/// viewport (with set-of-marks labels for the GLM-V web protocol), clicks, typing, keys, scrolling and history
/// navigation. Coordinates are screenshot pixels = CSS pixels (device scale factor 1).
/// </summary>
public sealed class PlaywrightWebExecutor : IGuiExecutor, IAsyncDisposable
{
    private static readonly string[] DefaultArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
    ];

    private readonly WebExecutorOptions _options;
    private readonly IPlaywright? _playwright;
    private readonly IBrowser? _browser;
    private readonly Func<Uri, bool> _allowed;

    /// <summary>Wraps a page the caller owns (and keeps owning). Navigation limits apply to the executor's own navigations only.</summary>
    public PlaywrightWebExecutor(IPage page, WebExecutorOptions? options = null)
    {
        Page = page ?? throw new ArgumentNullException(nameof(page));
        _options = options ?? new WebExecutorOptions();
        _allowed = _options.AllowNavigation ?? DefaultAllow(_options.StartUrl);
    }

    private PlaywrightWebExecutor(IPage page, WebExecutorOptions options, IPlaywright playwright, IBrowser browser) : this(page, options)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>The page being driven.</summary>
    public IPage Page { get; }

    /// <inheritdoc />
    public string Platform => "web";

    /// <summary>
    /// Starts Playwright, launches the system Chromium (never downloaded), opens a page of the configured viewport, blocks
    /// every request <see cref="WebExecutorOptions.AllowNavigation"/> does not allow, and goes to the start URL.
    /// The executor owns the browser: dispose it to close everything.
    /// </summary>
    public static async Task<PlaywrightWebExecutor> LaunchAsync(WebExecutorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WebExecutorOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ViewportWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ViewportHeight);
        if (!File.Exists(options.ExecutablePath))
            throw new WebExecutorException(
                $"The browser '{options.ExecutablePath}' does not exist. Install Chromium (e.g. 'apt-get install chromium') or set " +
                $"{nameof(WebExecutorOptions)}.{nameof(WebExecutorOptions.ExecutablePath)}; Playwright's own browser download is not used.");
        cancellationToken.ThrowIfCancellationRequested();
        var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        IBrowser? browser = null;
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = options.ExecutablePath,
                Headless = options.Headless,
                Args = [.. DefaultArguments, .. options.ExtraArguments],
            }).ConfigureAwait(false);
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = options.ViewportWidth, Height = options.ViewportHeight },
                DeviceScaleFactor = 1,
            }).ConfigureAwait(false);
            var allowed = options.AllowNavigation ?? DefaultAllow(options.StartUrl);
            await context.RouteAsync("**/*", async route =>
            {
                if (Uri.TryCreate(route.Request.Url, UriKind.Absolute, out var uri) && allowed(uri)) await route.ContinueAsync().ConfigureAwait(false);
                else await route.AbortAsync("blockedbyclient").ConfigureAwait(false);
            }).ConfigureAwait(false);
            var page = await context.NewPageAsync().ConfigureAwait(false);
            var executor = new PlaywrightWebExecutor(page, options, playwright, browser);
            if (options.StartUrl is { } start)
            {
                if (!allowed(start)) throw new WebExecutorException($"The start URL {start} is not allowed by {nameof(WebExecutorOptions.AllowNavigation)}.");
                await page.GotoAsync(start.ToString()).ConfigureAwait(false);
            }
            return executor;
        }
        catch (Exception ex)
        {
            if (browser is not null) await browser.CloseAsync().ConfigureAwait(false);
            playwright.Dispose();
            if (ex is PlaywrightException pe)
                throw new WebExecutorException($"Chromium at '{options.ExecutablePath}' could not be started or the start page failed to load: {pe.Message}", pe);
            throw;
        }
    }

    /// <summary>The default navigation rule: loopback hosts, <c>file:</c>/<c>data:</c>/<c>about:</c>/<c>blob:</c>, and the start URL's origin.</summary>
    public static Func<Uri, bool> DefaultAllow(Uri? startUrl) => uri =>
    {
        if (uri.Scheme is "file" or "data" or "about" or "blob") return true;
        if (uri.Scheme is not ("http" or "https" or "ws" or "wss")) return false;
        if (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip))) return true;
        return startUrl is not null && Uri.Compare(uri, startUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
    };

    /// <inheritdoc />
    public async Task<GuiObservation> ObserveAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<GuiElement> elements = [];
        byte[] png;
        if (_options.SetOfMarks)
        {
            var marks = await Page.EvaluateAsync<JsonElement>(SetOfMarks.MarkScript).ConfigureAwait(false);
            elements = ReadElements(marks);
            try
            {
                png = await Page.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Png }).ConfigureAwait(false);
            }
            finally
            {
                await Page.EvaluateAsync(SetOfMarks.UnmarkScript).ConfigureAwait(false);
            }
        }
        else
        {
            png = await Page.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Png }).ConfigureAwait(false);
        }
        return new GuiObservation(Screenshot.FromEncoded(png)) { Elements = elements, Location = Page.Url };
    }

    private static List<GuiElement> ReadElements(JsonElement marks)
    {
        var list = new List<GuiElement>();
        int label = 0;
        foreach (var e in marks.EnumerateArray())
        {
            list.Add(new GuiElement(label++, e.GetProperty("tag").GetString() ?? "", e.GetProperty("text").GetString() ?? "",
                new PixelRect(e.GetProperty("x").GetDouble(), e.GetProperty("y").GetDouble(), e.GetProperty("w").GetDouble(), e.GetProperty("h").GetDouble()),
                e.GetProperty("type").ValueKind == JsonValueKind.String ? e.GetProperty("type").GetString() : null));
        }
        return list;
    }

    /// <inheritdoc />
    public async Task<GuiActionOutcome> ExecuteAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        cancellationToken.ThrowIfCancellationRequested();
        if (!TryResolveTarget(action, observation, out var target, out var element, out string? error))
            return GuiActionOutcome.Failure(error);
        string where = element is not null ? $"[{element.Label}] <{element.Tag}> \"{element.Text}\" at {P(target!.Value)}" : target is { } t ? $"at {P(t)}" : "";
        var mouse = Page.Mouse;
        switch (action.Kind)
        {
            case GuiActionKind.Click when target is { } p:
                await mouse.ClickAsync((float)p.X, (float)p.Y).ConfigureAwait(false);
                return GuiActionOutcome.Success($"clicked {where}");
            case GuiActionKind.DoubleClick when target is { } p:
                await mouse.DblClickAsync((float)p.X, (float)p.Y).ConfigureAwait(false);
                return GuiActionOutcome.Success($"double-clicked {where}");
            case GuiActionKind.RightClick when target is { } p:
                await mouse.ClickAsync((float)p.X, (float)p.Y, new MouseClickOptions { Button = MouseButton.Right }).ConfigureAwait(false);
                return GuiActionOutcome.Success($"right-clicked {where}");
            case GuiActionKind.MiddleClick when target is { } p:
                await mouse.ClickAsync((float)p.X, (float)p.Y, new MouseClickOptions { Button = MouseButton.Middle }).ConfigureAwait(false);
                return GuiActionOutcome.Success($"middle-clicked {where}");
            case GuiActionKind.LongPress when target is { } p:
                await mouse.MoveAsync((float)p.X, (float)p.Y).ConfigureAwait(false);
                await mouse.DownAsync().ConfigureAwait(false);
                await Task.Delay(800, cancellationToken).ConfigureAwait(false);
                await mouse.UpAsync().ConfigureAwait(false);
                return GuiActionOutcome.Success($"long-pressed {where}");
            case GuiActionKind.Hover when target is { } p:
                await mouse.MoveAsync((float)p.X, (float)p.Y).ConfigureAwait(false);
                return GuiActionOutcome.Success($"moved the pointer {where}");
            case GuiActionKind.Drag when target is { } p && Pixels(action.EndToPixels, observation) is { } q:
                await mouse.MoveAsync((float)p.X, (float)p.Y).ConfigureAwait(false);
                await mouse.DownAsync().ConfigureAwait(false);
                await mouse.MoveAsync((float)q.X, (float)q.Y, new MouseMoveOptions { Steps = 10 }).ConfigureAwait(false);
                await mouse.UpAsync().ConfigureAwait(false);
                return GuiActionOutcome.Success($"dragged from {P(p)} to {P(q)}");
            case GuiActionKind.TypeText:
                return await TypeAsync(action, target, where).ConfigureAwait(false);
            case GuiActionKind.Key:
            {
                string? keys = action.Type == "keyboard_enter" ? "Enter" : MapKeys(action.Text);
                if (keys is null) return GuiActionOutcome.Failure($"unknown key '{action.Text}'");
                await Page.Keyboard.PressAsync(keys).ConfigureAwait(false);
                return GuiActionOutcome.Success($"pressed {keys}");
            }
            case GuiActionKind.Scroll or GuiActionKind.Swipe:
                return await ScrollAsync(action, observation, target).ConfigureAwait(false);
            case GuiActionKind.NavigateBack:
            {
                var response = await Page.GoBackAsync().ConfigureAwait(false);
                return GuiActionOutcome.Success(response is null ? "no earlier page; stayed on " + Page.Url : "went back to " + Page.Url);
            }
            case GuiActionKind.Wait:
                await Task.Delay(WaitDuration(action), cancellationToken).ConfigureAwait(false);
                return GuiActionOutcome.Success("waited");
            case GuiActionKind.Search:
                if (!_allowed(_options.SearchUrl))
                    return GuiActionOutcome.Failure($"navigation to {_options.SearchUrl} is not allowed; stay on this site");
                await Page.GotoAsync(_options.SearchUrl.ToString()).ConfigureAwait(false);
                return GuiActionOutcome.Success($"opened {_options.SearchUrl}");
            case GuiActionKind.Click or GuiActionKind.DoubleClick or GuiActionKind.RightClick or GuiActionKind.MiddleClick
                or GuiActionKind.LongPress or GuiActionKind.Hover or GuiActionKind.Drag:
                return GuiActionOutcome.Failure($"{action.Name} needs a target point or element");
            default:
                return GuiActionOutcome.Failure($"{action.Name} is not supported on the web");
        }
    }

    private async Task<GuiActionOutcome> TypeAsync(GuiAction action, (double X, double Y)? target, string where)
    {
        string text = action.Text ?? "";
        bool web = action.Protocol == GuiProtocol.WebGlmV;
        // Web `Type [n]; [text]` replaces the field and submits (WebVoyager); mobile input_text clears only with
        // override and submits; AutoGLM Type clears first; PC type() just types into the focused element.
        bool clear = web || action.Protocol == GuiProtocol.AutoGlmPhone || action.Args.GetValueOrDefault("override") is true;
        bool enter = web || action.Protocol == GuiProtocol.MobileGlmV;
        if (target is { } p) await Page.Mouse.ClickAsync((float)p.X, (float)p.Y).ConfigureAwait(false);
        if (clear)
        {
            await Page.Keyboard.PressAsync("ControlOrMeta+A").ConfigureAwait(false);
            await Page.Keyboard.PressAsync("Backspace").ConfigureAwait(false);
        }
        await Page.Keyboard.TypeAsync(text).ConfigureAwait(false);
        if (enter) await Page.Keyboard.PressAsync("Enter").ConfigureAwait(false);
        return GuiActionOutcome.Success($"typed \"{text}\"{(where.Length > 0 ? " into " + where : "")}{(enter ? " and pressed Enter" : "")}");
    }

    private async Task<GuiActionOutcome> ScrollAsync(GuiAction action, GuiObservation observation, (double X, double Y)? target)
    {
        var (x, y) = target ?? (_options.ViewportWidth / 2.0, _options.ViewportHeight / 2.0);
        double amount = _options.ScrollPixels > 0 ? _options.ScrollPixels : _options.ViewportHeight * 2.0 / 3;
        double dx = 0, dy = 0;
        if (action.Kind == GuiActionKind.Swipe && Pixels(action.EndToPixels, observation) is { } end)
        {
            // A swipe drags the content with the finger: the view scrolls the opposite way.
            dx = x - end.X;
            dy = y - end.Y;
        }
        else
        {
            if (action.Args.GetValueOrDefault("step") is long steps) amount = Math.Clamp(steps, 1, 50) * _options.WheelClickPixels;
            int sign = action.Kind == GuiActionKind.Swipe ? -1 : 1;
            switch (action.Direction)
            {
                case "down": dy = sign * amount; break;
                case "up": dy = -sign * amount; break;
                case "right": dx = sign * amount; break;
                case "left": dx = -sign * amount; break;
                default: return GuiActionOutcome.Failure($"unknown direction '{action.Direction}'");
            }
        }
        await Page.Mouse.MoveAsync((float)x, (float)y).ConfigureAwait(false);
        await Page.Mouse.WheelAsync((float)dx, (float)dy).ConfigureAwait(false);
        await Task.Delay(100).ConfigureAwait(false); // the wheel event scrolls asynchronously
        return GuiActionOutcome.Success($"scrolled by ({dx:0}, {dy:0}) at {P((x, y))}");
    }

    /// <inheritdoc />
    public async ValueTask<string?> GetSensitivityAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default)
    {
        if (action.Kind != GuiActionKind.TypeText) return null;
        if (!TryResolveTarget(action, observation, out var target, out var element, out _)) return null;
        if (element?.IsPassword == true) return "typing into a password field";
        object? point = target is { } p ? new { x = p.X, y = p.Y } : null;
        bool password = await Page.EvaluateAsync<bool>(SetOfMarks.IsPasswordTargetScript, point).ConfigureAwait(false);
        return password ? "typing into a password field" : null;
    }

    private static bool TryResolveTarget(GuiAction action, GuiObservation observation, out (double X, double Y)? target, out GuiElement? element, out string error)
    {
        element = null;
        target = null;
        error = "";
        object? label = action.Args.GetValueOrDefault("label") ?? action.Args.GetValueOrDefault("target");
        if (label is long l)
        {
            element = observation.FindElement((int)l);
            if (element is null)
            {
                error = observation.Elements.Count == 0
                    ? $"there is no element [{l}]: the screenshot has no labels (enable set-of-marks for the web protocol)"
                    : $"there is no element [{l}] on the page (labels 0–{observation.Elements.Count - 1})";
                return false;
            }
            target = element.Bounds.Center;
            return true;
        }
        if (label is not (null or "WINDOW")) { error = $"bad element label '{label}'"; return false; }
        target = Pixels(action.ToPixels, observation);
        return true;
    }

    private static (double X, double Y)? Pixels(Func<int, int, PixelPoint?> convert, GuiObservation observation)
    {
        var shot = observation.Screenshot;
        return convert(shot.Width, shot.Height) is { } p
            ? (Math.Clamp(p.X, 0, shot.Width - 1), Math.Clamp(p.Y, 0, shot.Height - 1))
            : null;
    }

    private TimeSpan WaitDuration(GuiAction action)
    {
        string? d = action.GetString("duration");
        if (d is not null && double.TryParse(d.Replace("seconds", "", StringComparison.OrdinalIgnoreCase).Replace("second", "", StringComparison.OrdinalIgnoreCase).Trim(),
                NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0)
            return TimeSpan.FromSeconds(Math.Min(s, 60));
        return _options.WaitDuration;
    }

    private static readonly Dictionary<string, string> KeyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ctrl"] = "Control", ["control"] = "Control", ["alt"] = "Alt", ["shift"] = "Shift", ["cmd"] = "Meta", ["command"] = "Meta",
        ["win"] = "Meta", ["super"] = "Meta", ["meta"] = "Meta", ["enter"] = "Enter", ["return"] = "Enter", ["esc"] = "Escape",
        ["escape"] = "Escape", ["tab"] = "Tab", ["backspace"] = "Backspace", ["delete"] = "Delete", ["del"] = "Delete",
        ["space"] = "Space", ["up"] = "ArrowUp", ["down"] = "ArrowDown", ["left"] = "ArrowLeft", ["right"] = "ArrowRight",
        ["arrowup"] = "ArrowUp", ["arrowdown"] = "ArrowDown", ["arrowleft"] = "ArrowLeft", ["arrowright"] = "ArrowRight",
        ["pageup"] = "PageUp", ["pagedown"] = "PageDown", ["page_up"] = "PageUp", ["page_down"] = "PageDown", ["home"] = "Home", ["end"] = "End",
        ["insert"] = "Insert",
    };

    /// <summary>GLM key names (<c>ctrl+c</c>, <c>Return</c>, <c>esc</c>, <c>F5</c>) as a Playwright chord, or null when unknown.</summary>
    internal static string? MapKeys(string? keys)
    {
        if (string.IsNullOrWhiteSpace(keys)) return null;
        var parts = new List<string>();
        foreach (string raw in keys.Split('+', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0) return null;
            if (KeyNames.TryGetValue(raw, out string? mapped)) parts.Add(mapped);
            else if (raw.Length == 1) parts.Add(raw);
            else if (raw.Length <= 3 && (raw[0] is 'F' or 'f') && int.TryParse(raw[1..], out int f) && f is >= 1 and <= 12) parts.Add("F" + f);
            else return null;
        }
        return string.Join('+', parts);
    }

    private static string P((double X, double Y) p) => $"({p.X:0}, {p.Y:0})";

    /// <summary>Closes the browser and Playwright when this executor launched them; a wrapped page is left alone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync().ConfigureAwait(false);
        _playwright?.Dispose();
    }
}
