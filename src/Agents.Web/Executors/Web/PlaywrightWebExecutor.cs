using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;
using Microsoft.Playwright;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// Drives a web page through Playwright and the system's Chromium, for the GLM-V web protocol
/// (set-of-marks labels) and for coordinate protocols (PC / mobile style actions on a page).
/// </summary>
/// <remarks>
/// <para>Create it with <see cref="LaunchAsync"/> (starts Playwright and a headless Chromium that this executor owns
/// and closes) or wrap a page you own with the constructor.</para>
/// <para>Screenshots are viewport PNGs in CSS pixels, so screenshot pixels, element bounds and mouse coordinates
/// are the same numbers. With <see cref="WebExecutorOptions.SetOfMarks"/> each screenshot carries numbered labels
/// and <see cref="GuiObservation.Elements"/> lists the labelled elements; a label action (<c>Click [3]</c>) acts at
/// the centre of the element's bounds as the model saw them.</para>
/// <para>Navigation is fenced by <see cref="WebExecutorOptions.AllowNavigation"/>, by default the start URL's origin
/// only (other local ports, DevTools sockets and local files need an explicit opt-in, see
/// <see cref="DefaultAllow(Uri?, WebExecutorOptions?)"/>): a page load to any other URL (link click, form post, script,
/// history) is cancelled inside the browser before it is sent, the page stays where it was and the action that caused
/// it comes back failed (a blocked iframe load is recorded but does not fail the action); the search action and
/// <see cref="NavigateAsync(string, CancellationToken)"/> refuse such URLs without a request. In a browser this
/// executor launched, every other request to such URLs (images, scripts, <c>fetch</c>/XHR, WebSockets) is blocked as
/// well and listed in <see cref="BlockedRequests"/>; with the default rule the browser's network stack enforces it
/// too (a dead proxy for every host and port outside the rule), which also stops WebSockets opened by web workers,
/// which Playwright's routing does not see.</para>
/// <para>A tab the page opens (<c>window.open</c>) becomes the current page; links with <c>target=_blank</c> are
/// opened in the same tab, as WebVoyager does.</para>
/// </remarks>
public sealed class PlaywrightWebExecutor : IGuiExecutor, IAsyncDisposable
{
    /// <summary>What the web protocol's <c>Google</c> action opens.</summary>
    private const string GoogleUrl = "https://www.google.com/";

    /// <summary>Chromium flags for a quiet, offline, headless-friendly browser.</summary>
    private static readonly string[] BaseArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--disable-dev-shm-usage", "--disable-smooth-scrolling",
    ];

    private readonly WebExecutorOptions _options;
    private readonly IPlaywright? _playwright;
    private readonly IBrowser? _browser;
    private readonly IBrowserContext? _ownedContext;
    private readonly Func<Uri, bool> _allowed;
    private readonly Uri? _home;
    private Task? _contextGuard;
    private readonly ConcurrentQueue<string> _blocked = new();
    private readonly ConcurrentQueue<string> _blockedRequests = new();
    private readonly ConcurrentQueue<string> _blockedPageLoads = new();
    private readonly ConcurrentQueue<IPage> _popups = new();
    private readonly List<IPage> _pages = [];
    private readonly Dictionary<IPage, Task> _guards = [];
    private readonly object _gate = new();
    private int _blockedCount;
    /// <summary>The last typing action <see cref="GetSensitivityAsync"/> judged, and whether it found it sensitive.</summary>
    private (GuiAction Action, bool Sensitive)? _lastVerdict;
    private bool _disposed;

    /// <summary>
    /// Wraps <paramref name="page"/>, which the caller owns (disposing this executor leaves it open). Without
    /// <see cref="WebExecutorOptions.StartUrl"/>, the page's current origin is the one the default navigation
    /// policy allows. <see cref="WebExecutorOptions.ExecutablePath"/>, <see cref="WebExecutorOptions.Headless"/> and
    /// <see cref="WebExecutorOptions.ViewportWidth"/> / <see cref="WebExecutorOptions.ViewportHeight"/> do not apply. The
    /// navigation rule guards page loads of the wrapped page (a page-level route, removed on dispose).
    /// </summary>
    public PlaywrightWebExecutor(IPage page, WebExecutorOptions? options = null)
        : this(page, options ?? new WebExecutorOptions(), null, null, null)
    {
    }

    private PlaywrightWebExecutor(IPage page, WebExecutorOptions options, IPlaywright? playwright, IBrowser? browser, IBrowserContext? context)
    {
        ArgumentNullException.ThrowIfNull(page);
        Validate(options);
        _options = options;
        _playwright = playwright;
        _browser = browser;
        _ownedContext = context;
        _home = options.StartUrl ?? (Uri.TryCreate(page.Url, UriKind.Absolute, out var current) && current.Scheme is "http" or "https" ? current : null);
        _allowed = options.AllowNavigation ?? DefaultAllow(_home, options);
        Adopt(page);
    }

    /// <inheritdoc />
    public string Platform => "web";

    /// <summary>The settings.</summary>
    public WebExecutorOptions Options => _options;

    /// <summary>The page the executor drives now (a tab the page opened becomes the current page).</summary>
    public IPage Page
    {
        get
        {
            lock (_gate)
            {
                for (int i = _pages.Count - 1; i >= 0; i--)
                    if (!_pages[i].IsClosed) return _pages[i];
                return _pages[^1];
            }
        }
    }

    /// <summary>Whether this executor launched the browser (and closes it on dispose).</summary>
    public bool OwnsBrowser => _browser is not null;

    /// <summary>The latest observation <see cref="ObserveAsync"/> returned, or <see langword="null"/>.</summary>
    public GuiObservation? LastObservation { get; private set; }

    /// <summary>
    /// The URLs whose navigation (a page load, or an iframe's) was blocked by <see cref="WebExecutorOptions.AllowNavigation"/>,
    /// oldest first.
    /// </summary>
    public IReadOnlyList<string> BlockedNavigations => [.. _blocked];

    /// <summary>
    /// The other requests the navigation rule blocked (images, scripts, <c>fetch</c>/XHR, WebSocket connections),
    /// oldest first; only a browser this executor launched blocks them.
    /// </summary>
    public IReadOnlyList<string> BlockedRequests => [.. _blockedRequests];

    /// <summary>
    /// Starts Playwright, launches Chromium from <see cref="WebExecutorOptions.ExecutablePath"/> (headless by default,
    /// offline flags, a fresh profile), opens a page with the configured viewport and, when set, loads
    /// <see cref="WebExecutorOptions.StartUrl"/>. The executor owns all of it; dispose it to close the browser.
    /// </summary>
    /// <exception cref="WebExecutorException">The executable is missing, Playwright's driver or the browser failed to start, or the start page did not load.</exception>
    public static async Task<PlaywrightWebExecutor> LaunchAsync(WebExecutorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WebExecutorOptions();
        Validate(options);
        string executable = ResolveExecutable(options.ExecutablePath)
            ?? throw new WebExecutorException(
                $"The browser executable '{options.ExecutablePath}' does not exist. Install chromium, e.g. apt-get install chromium " +
                "(Debian/Ubuntu), or set WebExecutorOptions.ExecutablePath to a Chromium or Chrome binary. Playwright's own browser " +
                "download is not used.") { ExecutablePath = options.ExecutablePath };
        cancellationToken.ThrowIfCancellationRequested();

        IPlaywright playwright;
        var starting = Playwright.CreateAsync();
        try
        {
            playwright = await starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stop the driver once it is up rather than leaving a Node process behind.
            _ = starting.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
        catch (Exception ex)
        {
            throw new WebExecutorException(
                $"Playwright's driver did not start ({FirstLine(ex.Message)}). The Microsoft.Playwright package copies it into the " +
                "build output (.playwright/ next to the assemblies); check that it is there and that PlaywrightPlatform is not 'none'.",
                ex) { ExecutablePath = executable };
        }

        IBrowser? browser = null;
        PlaywrightWebExecutor? executor = null;
        try
        {
            try
            {
                browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = executable,
                    Headless = options.Headless,
                    Args = [.. BaseArguments, .. WebOriginPolicy.NetworkArguments(options.StartUrl, options), .. options.ExtraArguments],
                    Timeout = (float)options.LaunchTimeout.TotalMilliseconds,
                }).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PlaywrightException ex)
            {
                string hint = options.Headless
                    ? ""
                    : " A headful browser needs an X display: set DISPLAY (e.g. run under xvfb-run) or keep Headless = true.";
                throw new WebExecutorException(
                    $"Chromium at '{executable}' did not start: {FirstLine(ex.Message)}.{hint} Check that '{executable} --headless " +
                    "--no-sandbox --dump-dom about:blank' works; reinstall it with apt-get install chromium if it does not.", ex)
                { ExecutablePath = executable };
            }
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = options.ViewportWidth, Height = options.ViewportHeight },
                DeviceScaleFactor = 1,
                ServiceWorkers = ServiceWorkerPolicy.Block,
            }).WaitAsync(cancellationToken).ConfigureAwait(false);
            var page = await context.NewPageAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            executor = new PlaywrightWebExecutor(page, options, playwright, browser, context);
            await executor.GuardAsync(page).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (options.StartUrl is { } start)
            {
                var opened = await executor.NavigateAsync(start, cancellationToken).ConfigureAwait(false);
                if (!opened.Succeeded)
                    throw new WebExecutorException($"The start page could not be opened: {opened.Message}") { ExecutablePath = executable };
            }
            return executor;
        }
        catch
        {
            if (executor is not null)
            {
                await executor.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                if (browser is not null) await CloseQuietlyAsync(browser.CloseAsync()).ConfigureAwait(false);
                playwright.Dispose();
            }
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="PlaywrightException">The page or browser is gone.</exception>
    public async Task<GuiObservation> ObserveAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var page = Page;
        await GuardAsync(page).WaitAsync(cancellationToken).ConfigureAwait(false);

        for (int attempt = 0; ; attempt++)
        {
            await WaitForLoadAsync(page, cancellationToken).ConfigureAwait(false);
            try
            {
                var observation = await CaptureAsync(page, cancellationToken).ConfigureAwait(false);
                LastObservation = observation;
                return observation;
            }
            catch (PlaywrightException ex) when (attempt < 2 && !page.IsClosed && IsNavigationRace(ex))
            {
                // The page navigated between labelling and the screenshot: observe the new document.
            }
        }
    }

    private async Task<GuiObservation> CaptureAsync(IPage page, CancellationToken cancellationToken)
    {
        IReadOnlyList<GuiElement> elements = [];
        byte[] png;
        var shotOptions = new PageScreenshotOptions { Type = ScreenshotType.Png, Scale = ScreenshotScale.Css };
        if (_options.SetOfMarks)
        {
            var marks = await page.EvaluateAsync<JsonElement?>(SetOfMarks.MarkScript, new { maxText = _options.MaxElementTextLength, draw = true })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                png = await page.ScreenshotAsync(shotOptions).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await CloseQuietlyAsync(page.EvaluateAsync(SetOfMarks.UnmarkScript)).ConfigureAwait(false);
            }
            if (marks is { } m) elements = SetOfMarks.ReadElements(m);
        }
        else
        {
            png = await page.ScreenshotAsync(shotOptions).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        return new GuiObservation(Screenshot.FromEncoded(png)) { Elements = elements, Location = page.Url };
    }

    /// <inheritdoc />
    /// <exception cref="PlaywrightException">The page or browser is gone.</exception>
    public async Task<GuiActionOutcome> ExecuteAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var page = Page;
        await GuardAsync(page).WaitAsync(cancellationToken).ConfigureAwait(false);
        int blockedBefore = Volatile.Read(ref _blockedCount);

        var outcome = await PerformAsync(page, action, observation, cancellationToken).ConfigureAwait(false);
        if (!outcome.Settle) return outcome.Outcome;

        if (_options.SettleDelay > TimeSpan.Zero)
            await Task.Delay(_options.SettleDelay, cancellationToken).ConfigureAwait(false);
        var result = outcome.Outcome;
        string[] blocked = [.. _blockedPageLoads.Skip(blockedBefore)];
        if (blocked.Length > 0)
            result = GuiActionOutcome.Failure($"{result.Message}; navigation to {blocked[^1]} is not allowed and was blocked, the page did not change");
        if (SwitchToPopup() is { } popup)
            result = result with { Message = $"{result.Message}; a new tab opened ({popup.Url}) and is now the current page" };
        return result;
    }

    private readonly record struct Performed(GuiActionOutcome Outcome, bool Settle);

    private async Task<Performed> PerformAsync(IPage page, GuiAction action, GuiObservation observation, CancellationToken ct)
    {
        static Performed Done(GuiActionOutcome o) => new(o, false);
        static Performed Fail(string message) => new(GuiActionOutcome.Failure(message), false);
        static Performed Settle(string message) => new(GuiActionOutcome.Success(message), true);

        string name = action.Name;
        switch (action.Kind)
        {
            case GuiActionKind.Click or GuiActionKind.DoubleClick or GuiActionKind.RightClick or GuiActionKind.MiddleClick or GuiActionKind.Hover
                or GuiActionKind.LongPress:
            {
                if (!TryResolveTarget(action, observation, page, out var target, out string? failure)) return Fail(failure!);
                var info = await InfoAtAsync(page, target.X, target.Y, retarget: action.Kind != GuiActionKind.Hover, ct).ConfigureAwait(false);
                var (x, y) = ((float)target.X, (float)target.Y);
                string verb;
                switch (action.Kind)
                {
                    case GuiActionKind.Click:
                        await page.Mouse.ClickAsync(x, y).WaitAsync(ct).ConfigureAwait(false);
                        verb = "clicked";
                        break;
                    case GuiActionKind.DoubleClick:
                        await page.Mouse.DblClickAsync(x, y).WaitAsync(ct).ConfigureAwait(false);
                        verb = "double-clicked";
                        break;
                    case GuiActionKind.RightClick:
                        await page.Mouse.ClickAsync(x, y, new MouseClickOptions { Button = MouseButton.Right }).WaitAsync(ct).ConfigureAwait(false);
                        verb = "right-clicked";
                        break;
                    case GuiActionKind.MiddleClick:
                        await page.Mouse.ClickAsync(x, y, new MouseClickOptions { Button = MouseButton.Middle }).WaitAsync(ct).ConfigureAwait(false);
                        verb = "middle-clicked";
                        break;
                    case GuiActionKind.LongPress:
                        await page.Mouse.MoveAsync(x, y).WaitAsync(ct).ConfigureAwait(false);
                        await page.Mouse.DownAsync().WaitAsync(ct).ConfigureAwait(false);
                        try
                        {
                            await Task.Delay(LongPressDuration, ct).ConfigureAwait(false);
                        }
                        finally
                        {
                            await page.Mouse.UpAsync().ConfigureAwait(false);
                        }
                        verb = "long-pressed";
                        break;
                    default:
                        await page.Mouse.MoveAsync(x, y).WaitAsync(ct).ConfigureAwait(false);
                        return Settle($"moved the pointer to {target.Describe(info)}");
                }
                return Settle($"{verb} {target.Describe(info)}");
            }

            case GuiActionKind.Drag:
            {
                if (action.Point is null || action.EndPoint is null) return Fail($"{name} needs a start and an end point");
                var (start, end) = (ToViewport(action.Point.Value, observation, page), ToViewport(action.EndPoint.Value, observation, page));
                await page.Mouse.MoveAsync((float)start.X, (float)start.Y).WaitAsync(ct).ConfigureAwait(false);
                await page.Mouse.DownAsync().WaitAsync(ct).ConfigureAwait(false);
                await page.Mouse.MoveAsync((float)end.X, (float)end.Y, new MouseMoveOptions { Steps = 10 }).WaitAsync(ct).ConfigureAwait(false);
                await page.Mouse.UpAsync().WaitAsync(ct).ConfigureAwait(false);
                return Settle($"dragged from {Pt(start)} to {Pt(end)}");
            }

            case GuiActionKind.TypeText:
            {
                var (typed, settle) = await TypeAsync(page, action, observation, ct).ConfigureAwait(false);
                return new Performed(typed, settle);
            }

            case GuiActionKind.Key:
            {
                string? keys = action.Keys;
                if (!PlaywrightKeys.TryTranslate(keys, out var presses, out string? error)) return Fail(error!);
                foreach (string press in presses)
                    await page.Keyboard.PressAsync(press).WaitAsync(ct).ConfigureAwait(false);
                return Settle($"pressed {string.Join(", ", presses)}");
            }

            case GuiActionKind.Scroll:
                return Done(await ScrollAsync(page, action, observation, ct).ConfigureAwait(false));

            case GuiActionKind.Swipe:
                return Done(await SwipeAsync(page, action, observation, ct).ConfigureAwait(false));

            case GuiActionKind.NavigateBack:
            {
                string before = page.Url;
                int blockedBefore = Volatile.Read(ref _blockedCount);
                IResponse? response;
                try
                {
                    response = await page.GoBackAsync(new PageGoBackOptions
                    {
                        Timeout = (float)_options.NavigationTimeout.TotalMilliseconds,
                        WaitUntil = WaitUntilState.Load,
                    }).WaitAsync(ct).ConfigureAwait(false);
                }
                catch (PlaywrightException ex) when (!page.IsClosed)
                {
                    return Fail(Volatile.Read(ref _blockedCount) > blockedBefore
                        ? "going back was blocked: the previous page is not an allowed site"
                        : $"going back failed: {FirstLine(ex.Message)}");
                }
                if (response is null && page.Url == before) return Fail("there is no previous page to go back to");
                return Done(GuiActionOutcome.Success($"went back to {page.Url}"));
            }

            case GuiActionKind.Wait:
            {
                var wait = WaitDuration(action);
                await Task.Delay(wait, ct).ConfigureAwait(false);
                return Done(GuiActionOutcome.Success($"waited {wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"));
            }

            case GuiActionKind.Search:
            {
                var uri = string.Equals(name, "Google", StringComparison.OrdinalIgnoreCase) ? new Uri(GoogleUrl) : _options.SearchUrl;
                if (!IsAllowed(uri))
                    return Fail($"{name} is not available: navigation to {uri} is not allowed (WebExecutorOptions.AllowNavigation); stay on this site");
                return Done(await NavigateAsync(uri, ct).ConfigureAwait(false));
            }

            default:
                return Fail($"{name} ({action.Kind}) is not supported on the web");
        }
    }

    private async Task<(GuiActionOutcome Outcome, bool Settle)> TypeAsync(IPage page, GuiAction action, GuiObservation observation, CancellationToken ct)
    {
        string? text = action.Text;
        if (text is null) return (GuiActionOutcome.Failure($"{action.Name} needs the text to type"), false);
        bool labelled = action.Label is not null;
        bool clear, enter;
        string where;
        SetOfMarks.ElementInfo? info = null;
        if (labelled || action.Point is not null)
        {
            if (!TryResolveTarget(action, observation, page, out var target, out string? failure)) return (GuiActionOutcome.Failure(failure!), false);
            info = await InfoAtAsync(page, target.X, target.Y, retarget: false, ct).ConfigureAwait(false);
            if (info is { Select: true })
            {
                var picked = await page.EvaluateAsync<JsonElement?>(SetOfMarks.SelectOptionScript, new { x = target.X, y = target.Y, text })
                    .WaitAsync(ct).ConfigureAwait(false);
                if (picked is { } p && SetOfMarks.Bool(p, "ok"))
                    return (GuiActionOutcome.Success($"chose \"{SetOfMarks.String(p, "chosen")}\" in {target.Describe(info)}"), true);
                string options = picked is { } q && q.TryGetProperty("options", out var list) && list.ValueKind == JsonValueKind.Array
                    ? string.Join(", ", list.EnumerateArray().Select(o => $"\"{o.GetString()}\""))
                    : "";
                return (GuiActionOutcome.Failure($"{target.Describe(info)} has no option \"{text}\" (options: {options})"), false);
            }
            await page.Mouse.ClickAsync((float)target.X, (float)target.Y).WaitAsync(ct).ConfigureAwait(false);
            // WebVoyager clears the field and presses Enter; mobile input_text clears only with override=True.
            clear = action.ReplaceText;
            enter = action.PressEnter;
            where = target.Describe(info);
        }
        else
        {
            // PC and AutoGLM type: into whatever has focus, no click.
            clear = action.ReplaceText;
            enter = action.PressEnter;
            where = "the focused element";
        }

        var focused = await FocusedInfoAsync(page, ct).ConfigureAwait(false);
        // The same tests as GetSensitivityAsync: a secret is never echoed into the outcome (and so the trace).
        string? sensitive = focused?.SensitiveReason ?? info?.SensitiveReason ??
                            (labelled && FindLabelled(action, observation) is { IsPassword: true } ? "typing into a password field" : null);
        bool secret = sensitive is not null;
        // Checked as not sensitive, sensitive now: the page moved the focus (or changed the field) after the check,
        // e.g. from a focus handler; typing now would skip the confirmation.
        if (secret && _lastVerdict is { Sensitive: false } verdict && ReferenceEquals(verdict.Action, action))
            return (GuiActionOutcome.Failure(
                $"not typed: this is now {sensitive}, which it was not when the action was checked (the page moved the focus or " +
                "changed the field); observe again and retry"), false);
        if (clear)
        {
            await page.Keyboard.PressAsync("ControlOrMeta+a").WaitAsync(ct).ConfigureAwait(false);
            await page.Keyboard.PressAsync("Backspace").WaitAsync(ct).ConfigureAwait(false);
        }
        await page.Keyboard.TypeAsync(text, new KeyboardTypeOptions { Delay = _options.TypeDelayMs }).WaitAsync(ct).ConfigureAwait(false);
        if (enter) await page.Keyboard.PressAsync("Enter").WaitAsync(ct).ConfigureAwait(false);

        string typed = secret ? $"typed {text.Length} characters" : $"typed \"{Shorten(text, 60)}\"";
        string message = $"{typed} into {where}{(clear ? " (cleared first)" : "")}{(enter ? " and pressed Enter" : "")}";
        if (focused is null) message += "; nothing had focus, so the keys went to the page";
        else if (focused.SealedFrame is not null) message += "; the focus is inside a frame the executor cannot inspect";
        else if (!focused.Editable) message += $"; the focused element {focused} is not a text field";
        return (GuiActionOutcome.Success(message), true);
    }

    private async Task<GuiActionOutcome> ScrollAsync(IPage page, GuiAction action, GuiObservation observation, CancellationToken ct)
    {
        if (action.Direction is not (GuiDirection.Up or GuiDirection.Down))
            return GuiActionOutcome.Failure($"{action.Name} needs the direction up or down");
        string direction = action.Direction == GuiDirection.Down ? "down" : "up";
        int sign = direction == "down" ? 1 : -1;

        if (action.Label is int label)
        {
            // Web: Scroll [n]; [up|down] (Scroll [WINDOW] has no label and scrolls the window below).
            if (!TryResolveLabel(label, observation, page, out var at, out string? failure)) return GuiActionOutcome.Failure(failure!);
            return DescribeScroll(await RunScrollScriptAsync(page, at.X, at.Y, element: true, sign, ScrollPixelsOrNull, ct).ConfigureAwait(false), direction, at.Label);
        }

        if (action.Point is { } point)
        {
            // PC: scroll(start_box, direction, step) = step wheel clicks at the point.
            var at = ToViewport(point, observation, page);
            int clicks = Math.Min(action.Steps ?? _options.ScrollClicksDefault, MaxWheelClicks);
            await WheelAsync(page, at, 0, sign * clicks * _options.WheelClickPixels, ct).ConfigureAwait(false);
            return GuiActionOutcome.Success($"scrolled {direction} {clicks} wheel clicks at {Pt(at)}");
        }

        return DescribeScroll(await RunScrollScriptAsync(page, 0, 0, element: false, sign, ScrollPixelsOrNull, ct).ConfigureAwait(false), direction, null);
    }

    private async Task<GuiActionOutcome> SwipeAsync(IPage page, GuiAction action, GuiObservation observation, CancellationToken ct)
    {
        var viewport = ViewportOf(page, observation);
        var from = action.Point is { } p ? ToViewport(p, observation, page) : (X: viewport.Width / 2.0, Y: viewport.Height / 2.0);
        double dx, dy;
        if (action.EndPoint is { } e)
        {
            // The finger moves from start to end; the content follows it, i.e. the page scrolls the opposite way.
            var to = ToViewport(e, observation, page);
            (dx, dy) = (from.X - to.X, from.Y - to.Y);
        }
        else
        {
            double amount = (_options.ScrollPixels > 0 ? _options.ScrollPixels : Math.Round(viewport.Height * 2 / 3.0));
            (dx, dy) = action.Direction switch
            {
                GuiDirection.Up => (0, amount),
                GuiDirection.Down => (0, -amount),
                GuiDirection.Left => (amount, 0),
                GuiDirection.Right => (-amount, 0),
                _ => (double.NaN, double.NaN),
            };
            if (double.IsNaN(dx)) return GuiActionOutcome.Failure($"{action.Name} needs a direction (up, down, left or right)");
        }
        await WheelAsync(page, from, dx, dy, ct).ConfigureAwait(false);
        string scroll = Math.Abs(dy) >= Math.Abs(dx)
            ? $"{(dy >= 0 ? "down" : "up")} {Math.Abs(dy):0} px"
            : $"{(dx >= 0 ? "right" : "left")} {Math.Abs(dx):0} px";
        return GuiActionOutcome.Success($"swiped at {Pt(from)}: scrolled the page {scroll}");
    }

    /// <summary>How long a long press holds the button.</summary>
    private static readonly TimeSpan LongPressDuration = TimeSpan.FromMilliseconds(800);

    /// <summary>The action's own duration (AutoGLM <c>Wait(duration="2 seconds")</c>, read by <see cref="GuiWait"/>) or <see cref="WebExecutorOptions.WaitDuration"/>.</summary>
    private TimeSpan WaitDuration(GuiAction action) => action.Duration ?? _options.WaitDuration;

    /// <summary>The most wheel clicks one scroll sends, whatever the model asks for.</summary>
    private const int MaxWheelClicks = 100;

    private int? ScrollPixelsOrNull => _options.ScrollPixels > 0 ? _options.ScrollPixels : null;

    private static async Task WheelAsync(IPage page, (double X, double Y) at, double dx, double dy, CancellationToken ct)
    {
        await page.Mouse.MoveAsync((float)at.X, (float)at.Y).WaitAsync(ct).ConfigureAwait(false);
        await page.Mouse.WheelAsync((float)dx, (float)dy).WaitAsync(ct).ConfigureAwait(false);
        await page.EvaluateAsync(SetOfMarks.TwoFramesScript).WaitAsync(ct).ConfigureAwait(false);
    }

    private static async Task<JsonElement?> RunScrollScriptAsync(IPage page, double x, double y, bool element, int sign, int? amount, CancellationToken ct) =>
        await page.EvaluateAsync<JsonElement?>(SetOfMarks.ScrollScript, new { x, y, element, sign, amount }).WaitAsync(ct).ConfigureAwait(false);

    private static GuiActionOutcome DescribeScroll(JsonElement? result, string direction, string? label)
    {
        if (result is not { } r) return GuiActionOutcome.Failure("the page did not answer the scroll");
        string what = SetOfMarks.String(r, "target") == "element"
            ? $"the scrollable <{SetOfMarks.String(r, "tag")}>{(label is null ? "" : $" around {label}")}"
            : label is null ? "the window" : $"the window ({label} has no scrollable area)";
        double moved = Math.Abs(SetOfMarks.Number(r, "moved"));
        if (moved < 0.5)
        {
            string edge = SetOfMarks.Number(r, "max") <= 0 ? "it cannot scroll" : direction == "down" ? "already at the bottom" : "already at the top";
            return GuiActionOutcome.Failure($"scrolled {what} {direction}, but it did not move ({edge})");
        }
        return GuiActionOutcome.Success($"scrolled {what} {direction} {moved:0} px");
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>Typing is sensitive when it goes into a secret field: <c>input[type=password]</c>, an
    /// <c>autocomplete</c> token <c>current-password</c>/<c>new-password</c>, any payment card token (<c>cc-*</c>) or
    /// <c>one-time-code</c>. The field is the labelled element, the element at the action's point, or (for an action
    /// without a target, PC <c>type</c>) the focused element, checked in the DOM now, besides what the observation
    /// recorded. Points and focus are followed into open shadow roots and same-origin frames, at any depth.</para>
    /// <para>A frame whose document the page cannot read (cross-origin, sandboxed, <c>data:</c>) cannot be inspected:
    /// typing into it (the point is inside it, or focus is) is treated as sensitive, with a reason that says so.
    /// Closed shadow roots cannot be seen into either; a field in one is not recognised.</para>
    /// <para>The outcome of typing into any of these reports only the number of characters typed. When this method found
    /// a typing action not sensitive and the field it types into is sensitive at execution time (the page moved the focus
    /// in between, say from a click or focus handler), <see cref="ExecuteAsync"/> refuses to type.</para>
    /// </remarks>
    public async ValueTask<string?> GetSensitivityAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        if (action.Kind != GuiActionKind.TypeText) return null;
        ObjectDisposedException.ThrowIf(_disposed, this);
        string? reason = await SensitivityOfTypingAsync(action, observation, cancellationToken).ConfigureAwait(false);
        _lastVerdict = (action, reason is not null);
        return reason;
    }

    private async ValueTask<string?> SensitivityOfTypingAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken)
    {
        var page = Page;
        if (action.Label is not null || action.Point is not null)
        {
            if (!TryResolveTarget(action, observation, page, out var target, out _)) return null;
            var info = await InfoAtAsync(page, target.X, target.Y, retarget: false, cancellationToken).ConfigureAwait(false);
            if (info?.SensitiveReason is { } reason) return reason;
            // The page may have changed since the observation; what the model saw counts too.
            return FindLabelled(action, observation) is { IsPassword: true } ? "typing into a password field" : null;
        }
        var focused = await FocusedInfoAsync(page, cancellationToken).ConfigureAwait(false);
        return focused?.SensitiveReason;
    }

    /// <summary>
    /// Opens <paramref name="url"/> in the current page when <see cref="WebExecutorOptions.AllowNavigation"/>
    /// permits it; a refused URL is never requested. Load failures come back as a failed outcome.
    /// </summary>
    public Task<GuiActionOutcome> NavigateAsync(string url, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        return Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? NavigateAsync(uri, cancellationToken)
            : Task.FromResult(GuiActionOutcome.Failure($"'{url}' is not an absolute URL"));
    }

    /// <inheritdoc cref="NavigateAsync(string, CancellationToken)"/>
    public async Task<GuiActionOutcome> NavigateAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsAllowed(url))
        {
            string rule = url.IsFile
                ? "file: URLs need a file: WebExecutorOptions.StartUrl and WebExecutorOptions.AllowFileUrls = true, and stay in the start file's folder"
                : "WebExecutorOptions.AllowNavigation / AllowedOrigins / AllowLoopback";
            return GuiActionOutcome.Failure($"navigation to {url} is not allowed ({rule}); it was not opened");
        }
        var page = Page;
        await GuardAsync(page).WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await page.GotoAsync(url.AbsoluteUri, new PageGotoOptions
            {
                Timeout = (float)_options.NavigationTimeout.TotalMilliseconds,
                WaitUntil = WaitUntilState.Load,
            }).WaitAsync(cancellationToken).ConfigureAwait(false);
            string status = response is null ? "" : $" (HTTP {response.Status})";
            return response is { Ok: false }
                ? GuiActionOutcome.Failure($"opened {page.Url}{status}")
                : GuiActionOutcome.Success($"opened {page.Url}{status}");
        }
        catch (PlaywrightException ex) when (!page.IsClosed)
        {
            // The dead proxy of the default rule refuses what routing cannot see, e.g. a redirect to another site.
            return GuiActionOutcome.Failure(ex.Message.Contains("ERR_PROXY_CONNECTION_FAILED", StringComparison.Ordinal)
                ? $"opening {url} failed: it led to a host or port the navigation rule does not allow (e.g. a redirect), which the browser refused"
                : $"opening {url} failed: {FirstLine(ex.Message)}");
        }
    }

    /// <summary>
    /// Whether the navigation rule allows <paramref name="url"/>: <c>about:blank</c>, <c>about:srcdoc</c> and <c>data:</c>
    /// always, <c>blob:</c> when the origin that created it is allowed, <c>file:</c> only as
    /// <see cref="WebExecutorOptions.AllowFileUrls"/> says (and the rule agrees), anything else when the rule allows it.
    /// </summary>
    public bool IsAllowed(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri) return false;
        return url.Scheme switch
        {
            "about" => url.AbsolutePath is "blank" or "srcdoc",
            "data" => true,
            // blob:http://host:port/uuid belongs to the origin after "blob:".
            "blob" => Uri.TryCreate(url.AbsolutePath, UriKind.Absolute, out var owner) && owner.Scheme is not ("blob" or "about" or "data") && IsAllowed(owner),
            "file" => WebOriginPolicy.IsAllowedFile(url, _home, _options.AllowFileUrls) && _allowed(url),
            _ => _allowed(url),
        };
    }

    /// <summary>
    /// The default navigation rule: the origin (scheme, host, port) of <paramref name="startUrl"/>, WebSockets to that
    /// host and port, and what <paramref name="options"/> add: <see cref="WebExecutorOptions.AllowedOrigins"/>, every
    /// loopback port with <see cref="WebExecutorOptions.AllowLoopback"/>, <c>file:</c> URLs in the folder of a
    /// <c>file:</c> start URL with <see cref="WebExecutorOptions.AllowFileUrls"/>. Nothing else: other local ports,
    /// DevTools sockets and local files are refused unless opted in.
    /// </summary>
    public static Func<Uri, bool> DefaultAllow(Uri? startUrl, WebExecutorOptions? options = null) =>
        WebOriginPolicy.Default(startUrl, options ?? new WebExecutorOptions());

    /// <summary>Closes the browser when this executor launched it; otherwise removes its navigation guard from the caller's page.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        IPage[] pages;
        lock (_gate) pages = [.. _pages];
        foreach (var page in pages) page.Popup -= OnPopup;
        if (_browser is not null)
        {
            if (_ownedContext is not null) await CloseQuietlyAsync(_ownedContext.CloseAsync()).ConfigureAwait(false);
            await CloseQuietlyAsync(_browser.CloseAsync()).ConfigureAwait(false);
            _playwright?.Dispose();
            return;
        }
        foreach (var page in pages)
            if (!page.IsClosed) await CloseQuietlyAsync(page.UnrouteAsync("**/*", RouteAsync)).ConfigureAwait(false);
    }

    // ---- targets and geometry ------------------------------------------------------------------------------

    /// <summary>A point to act at, in viewport pixels, with the label description when it came from a label.</summary>
    private readonly record struct Target(double X, double Y, string? Label)
    {
        public string Describe(SetOfMarks.ElementInfo? info) =>
            Label is not null ? $"{Label} at {Pt((X, Y))}" : info is null ? Pt((X, Y)) : $"{Pt((X, Y))} on {info}";
    }

    private static GuiElement? FindLabelled(GuiAction action, GuiObservation observation) =>
        action.Label is int label ? observation.FindElement(label) : null;

    private static bool TryResolveTarget(GuiAction action, GuiObservation observation, IPage page, out Target target, out string? failure) =>
        action.Label is int label
            ? TryResolveLabel(label, observation, page, out target, out failure)
            : TryResolvePoint(action, observation, page, out target, out failure);

    private static bool TryResolveLabel(int label, GuiObservation observation, IPage page, out Target target, out string? failure)
    {
        target = default;
        var element = observation.FindElement(label);
        if (element is null)
        {
            string known = observation.Elements.Count == 0
                ? "the screenshot has no labelled elements"
                : $"the labels on the screenshot are 0 to {observation.Elements.Max(e => e.Label)}";
            failure = $"there is no element [{label}] ({known})";
            return false;
        }
        var (cx, cy) = element.Bounds.Center;
        var (sx, sy) = Scale(observation, page);
        string text = element.Text.Length == 0 ? "" : $" \"{Shorten(element.Text, 40)}\"";
        target = new Target(cx * sx, cy * sy, $"[{element.Label}] <{element.Tag}>{text}");
        failure = null;
        return true;
    }

    private static bool TryResolvePoint(GuiAction action, GuiObservation observation, IPage page, out Target target, out string? failure)
    {
        target = default;
        if (action.Point is { } point)
        {
            var (x, y) = ToViewport(point, observation, page);
            target = new Target(x, y, null);
            failure = null;
            return true;
        }
        failure = $"{action.Name} needs an element label or a point";
        return false;
    }

    private static (double X, double Y) ToViewport(GuiPoint point, GuiObservation observation, IPage page)
    {
        var shot = observation.Screenshot;
        var px = point.ToPixels(shot.Width, shot.Height);
        var (sx, sy) = Scale(observation, page);
        var viewport = ViewportOf(page, observation);
        return (Math.Clamp(Math.Round(px.X * sx, 2), 0, viewport.Width - 1), Math.Clamp(Math.Round(px.Y * sy, 2), 0, viewport.Height - 1));
    }

    /// <summary>Viewport pixels per screenshot pixel (1 unless the screenshot was resized).</summary>
    private static (double X, double Y) Scale(GuiObservation observation, IPage page)
    {
        var viewport = ViewportOf(page, observation);
        var shot = observation.Screenshot;
        return ((double)viewport.Width / shot.Width, (double)viewport.Height / shot.Height);
    }

    private static (int Width, int Height) ViewportOf(IPage page, GuiObservation observation) =>
        page.ViewportSize is { Width: > 0, Height: > 0 } v
            ? (v.Width, v.Height)
            : (observation.Screenshot.Width, observation.Screenshot.Height);

    private static string Pt((double X, double Y) p) =>
        string.Create(CultureInfo.InvariantCulture, $"({Math.Round(p.X):0}, {Math.Round(p.Y):0})");

    private async Task<SetOfMarks.ElementInfo?> InfoAtAsync(IPage page, double x, double y, bool retarget, CancellationToken ct) =>
        SetOfMarks.ReadInfo(await page.EvaluateAsync<JsonElement?>(SetOfMarks.ElementAtPointScript,
            new { x, y, retarget, maxText = Math.Min(_options.MaxElementTextLength, 40) }).WaitAsync(ct).ConfigureAwait(false));

    private async Task<SetOfMarks.ElementInfo?> FocusedInfoAsync(IPage page, CancellationToken ct) =>
        SetOfMarks.ReadInfo(await page.EvaluateAsync<JsonElement?>(SetOfMarks.FocusedElementScript,
            new { maxText = Math.Min(_options.MaxElementTextLength, 40) }).WaitAsync(ct).ConfigureAwait(false));

    // ---- pages, navigation guard, popups ---------------------------------------------------------------------

    private void Adopt(IPage page)
    {
        lock (_gate) _pages.Add(page);
        page.Popup += OnPopup;
    }

    private void OnPopup(object? sender, IPage popup) => _popups.Enqueue(popup);

    /// <summary>Makes the newest tab the page opened the current page (guarded like the first).</summary>
    private IPage? SwitchToPopup()
    {
        IPage? newest = null;
        while (_popups.TryDequeue(out var popup))
            if (!popup.IsClosed) newest = popup;
        if (newest is null) return null;
        Adopt(newest);
        _ = GuardAsync(newest);
        return newest;
    }

    /// <summary>
    /// Installs the navigation guard once: for a launched browser a context-level route (every page, every request);
    /// for a wrapped page a page-level route that guards page loads only.
    /// </summary>
    private Task GuardAsync(IPage page)
    {
        lock (_gate)
        {
            if (_ownedContext is not null)
                return _contextGuard ??= Task.WhenAll(
                    _ownedContext.RouteAsync("**/*", RouteAsync),
                    _ownedContext.RouteWebSocketAsync(url => !IsAllowed(url), BlockWebSocket));
            if (!_guards.TryGetValue(page, out var task))
            {
                task = page.RouteAsync("**/*", RouteAsync);
                _guards[page] = task;
            }
            return task;
        }
    }

    private async Task RouteAsync(IRoute route)
    {
        try
        {
            var request = route.Request;
            bool allowed = IsAllowed(request.Url);
            if (!allowed && request.IsNavigationRequest)
            {
                _blocked.Enqueue(request.Url);
                // Only a blocked load of a page (not of an iframe in it) fails the action that caused it.
                if (IsPageLoad(request))
                {
                    _blockedPageLoads.Enqueue(request.Url);
                    Interlocked.Increment(ref _blockedCount);
                }
                // 204 No Content: the browser cancels the load and stays on the current document (an aborted
                // request would commit Chromium's error page instead).
                await route.FulfillAsync(new RouteFulfillOptions { Status = 204, Body = "" }).ConfigureAwait(false);
            }
            else if (!allowed && _ownedContext is not null)
            {
                _blockedRequests.Enqueue(request.Url);
                await route.AbortAsync("blockedbyclient").ConfigureAwait(false);
            }
            else
            {
                await route.FallbackAsync().ConfigureAwait(false);
            }
        }
        catch (PlaywrightException)
        {
            // The page or browser closed while the request was pending.
        }
    }

    private bool IsAllowed(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsAllowed(uri);

    private static bool IsPageLoad(IRequest request)
    {
        try
        {
            return request.Frame.ParentFrame is null;
        }
        catch (PlaywrightException)
        {
            return true;
        }
    }

    /// <summary>
    /// A WebSocket to a URL the rule refuses: never connected to the server (Playwright's WebSocket routing stands in
    /// for it), closed at once and recorded.
    /// </summary>
    private void BlockWebSocket(IWebSocketRoute socket)
    {
        _blockedRequests.Enqueue(socket.Url);
        _ = CloseQuietlyAsync(socket.CloseAsync(new WebSocketRouteCloseOptions { Code = 1008, Reason = "blocked by the allow-list" }));
    }

    private async Task WaitForLoadAsync(IPage page, CancellationToken ct)
    {
        if (_options.LoadWaitTimeout <= TimeSpan.Zero) return;
        try
        {
            await page.WaitForLoadStateAsync(LoadState.Load, new PageWaitForLoadStateOptions { Timeout = (float)_options.LoadWaitTimeout.TotalMilliseconds })
                .WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.TimeoutException || ex.GetType().Name == "TimeoutException")
        {
            // A page that keeps loading is observed as it is.
        }
    }

    private static bool IsNavigationRace(PlaywrightException ex) =>
        ex.Message.Contains("Execution context was destroyed", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("navigation", StringComparison.OrdinalIgnoreCase) ||
        ex.Message.Contains("Cannot find context", StringComparison.OrdinalIgnoreCase);

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static void Validate(WebExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ExecutablePath, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ViewportWidth, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ViewportHeight, nameof(options));
        ArgumentNullException.ThrowIfNull(options.SearchUrl, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.ScrollPixels, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.WheelClickPixels, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ScrollClicksDefault, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.TypeDelayMs, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxElementTextLength, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WaitDuration, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SettleDelay, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.NavigationTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.LaunchTimeout, TimeSpan.Zero, nameof(options));
        ArgumentNullException.ThrowIfNull(options.ExtraArguments, nameof(options));
        ArgumentNullException.ThrowIfNull(options.AllowedOrigins, nameof(options));
        foreach (var origin in options.AllowedOrigins)
            if (!WebOriginPolicy.IsValidOrigin(origin))
                throw new ArgumentException(
                    $"WebExecutorOptions.AllowedOrigins: '{origin}' is not an absolute http, https, ws or wss URI; list origins such as " +
                    "http://127.0.0.1:8080/ (use AllowFileUrls for file: pages).", nameof(options));
    }

    /// <summary>The full path of <paramref name="path"/> (looked up on <c>PATH</c> when it is a bare name), or <see langword="null"/>.</summary>
    internal static string? ResolveExecutable(string path)
    {
        if (path.Contains('/') || path.Contains('\\')) return File.Exists(path) ? Path.GetFullPath(path) : null;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, path);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string FirstLine(string message)
    {
        string line = message.Split('\n', 2)[0].Trim();
        return line.TrimEnd('.');
    }

    internal static string Shorten(string text, int max)
    {
        string flat = text.ReplaceLineEndings(" ");
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }

    private static async Task CloseQuietlyAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (PlaywrightException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
