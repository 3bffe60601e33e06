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
/// <para>Each action is first planned without the browser (<c>WebPlanner</c>: the target in viewport pixels, the
/// gesture, keys, scroll sign and amount, the URL, or a refusal), then its one step is performed on the current page
/// (<c>WebPlanRunner</c>), which asks the page only what the plan cannot know: the element at a point, whether it is a
/// <c>&lt;select&gt;</c> or a secret field, how far a box scrolled.</para>
/// </remarks>
public sealed class PlaywrightWebExecutor : IGuiExecutor, IAsyncDisposable
{
    private readonly WebExecutorOptions _options;
    private readonly IPlaywright? _playwright;
    private readonly IBrowser? _browser;
    private readonly IBrowserContext? _ownedContext;
    private readonly WebTabs _tabs;
    private readonly NavigationGuard _guard;
    private readonly WebPlanner _planner;
    private readonly WebPlanRunner _runner;
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
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _playwright = playwright;
        _browser = browser;
        _ownedContext = context;
        var home = options.StartUrl ?? (Uri.TryCreate(page.Url, UriKind.Absolute, out var current) && current.Scheme is "http" or "https" ? current : null);
        _guard = new NavigationGuard(options.AllowNavigation ?? DefaultAllow(home, options), home, options.AllowFileUrls, context);
        _planner = new WebPlanner(options, _guard.IsAllowed);
        _runner = new WebPlanRunner(options, () => _guard.BlockedPageLoadCount, NavigateAsync);
        _tabs = new WebTabs(page);
    }

    /// <inheritdoc />
    public string Platform => "web";

    /// <summary>The settings.</summary>
    public WebExecutorOptions Options => _options;

    /// <summary>The page the executor drives now (a tab the page opened becomes the current page).</summary>
    public IPage Page => _tabs.Current;

    /// <summary>Whether this executor launched the browser (and closes it on dispose).</summary>
    public bool OwnsBrowser => _browser is not null;

    /// <summary>The latest observation <see cref="ObserveAsync"/> returned, or <see langword="null"/>.</summary>
    public GuiObservation? LastObservation { get; private set; }

    /// <summary>
    /// The URLs whose navigation (a page load, or an iframe's) was blocked by <see cref="WebExecutorOptions.AllowNavigation"/>,
    /// oldest first.
    /// </summary>
    public IReadOnlyList<string> BlockedNavigations => _guard.BlockedNavigations;

    /// <summary>
    /// The other requests the navigation rule blocked (images, scripts, <c>fetch</c>/XHR, WebSocket connections),
    /// oldest first; only a browser this executor launched blocks them.
    /// </summary>
    public IReadOnlyList<string> BlockedRequests => _guard.BlockedRequests;

    /// <summary>
    /// Starts Playwright, launches Chromium from <see cref="WebExecutorOptions.ExecutablePath"/> (headless by default,
    /// offline flags, a fresh profile), opens a page with the configured viewport and, when set, loads
    /// <see cref="WebExecutorOptions.StartUrl"/>. The executor owns all of it; dispose it to close the browser.
    /// </summary>
    /// <exception cref="WebExecutorException">The executable is missing, Playwright's driver or the browser failed to start, or the start page did not load.</exception>
    public static async Task<PlaywrightWebExecutor> LaunchAsync(WebExecutorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WebExecutorOptions();
        options.Validate();
        var launched = await BrowserLauncher.LaunchAsync(options, cancellationToken).ConfigureAwait(false);
        var executor = new PlaywrightWebExecutor(launched.Page, options, launched.Playwright, launched.Browser, launched.Context);
        try
        {
            await executor._guard.GuardAsync(launched.Page).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (options.StartUrl is { } start)
            {
                var opened = await executor.NavigateAsync(start, cancellationToken).ConfigureAwait(false);
                if (!opened.Succeeded)
                    throw new WebExecutorException($"The start page could not be opened: {opened.Message}") { ExecutablePath = launched.ExecutablePath };
            }
            return executor;
        }
        catch
        {
            await executor.DisposeAsync().ConfigureAwait(false);
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
        await _guard.GuardAsync(page).WaitAsync(cancellationToken).ConfigureAwait(false);
        var observation = await PageCapture.ObserveAsync(page, _options, cancellationToken).ConfigureAwait(false);
        LastObservation = observation;
        return observation;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The action is planned first (<see cref="WebPlanner"/>: target, gesture, keys, amounts, URL, or a refusal), then
    /// performed on the current page (<see cref="WebPlanRunner"/>). After a pointer, typing or key action the executor
    /// waits <see cref="WebExecutorOptions.SettleDelay"/>, fails the action when it caused a page load the navigation
    /// rule blocked, and makes a tab it opened the current page.
    /// </remarks>
    /// <exception cref="PlaywrightException">The page or browser is gone.</exception>
    public async Task<GuiActionOutcome> ExecuteAsync(GuiAction action, GuiObservation observation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var page = Page;
        await _guard.GuardAsync(page).WaitAsync(cancellationToken).ConfigureAwait(false);
        int blockedBefore = _guard.BlockedPageLoadCount;

        var plan = Plan(action, observation, page);
        bool checkedNotSensitive = _lastVerdict is { Sensitive: false } verdict && ReferenceEquals(verdict.Action, action);
        var result = await _runner.RunAsync(page, plan, checkedNotSensitive, cancellationToken).ConfigureAwait(false);
        if (!plan.Settle || !result.Succeeded) return result;

        if (_options.SettleDelay > TimeSpan.Zero)
            await Task.Delay(_options.SettleDelay, cancellationToken).ConfigureAwait(false);
        // A round trip through the page (two animation frames) after the delay: on a loaded machine the guard's record
        // of a navigation the action started could otherwise arrive after this check (seen in CI); the page starts
        // the navigation before it answers, so its record is in practice there by then.
        if (!page.IsClosed)
            await Quietly.AwaitAsync(page.EvaluateAsync(SetOfMarks.TwoFramesScript).WaitAsync(cancellationToken)).ConfigureAwait(false);
        string[] blocked = _guard.PageLoadsBlockedSince(blockedBefore);
        if (blocked.Length > 0)
            result = GuiActionOutcome.Failure($"{result.Message}; navigation to {blocked[^1]} is not allowed and was blocked, the page did not change");
        if (_tabs.SwitchToPopup() is { } popup)
        {
            _ = _guard.GuardAsync(popup);
            result = result with { Message = $"{result.Message}; a new tab opened ({popup.Url}) and is now the current page" };
        }
        return result;
    }

    /// <summary>The plan for <paramref name="action"/> on <paramref name="page"/>, whose viewport may differ from the screenshot.</summary>
    private WebPlan Plan(GuiAction action, GuiObservation observation, IPage page) =>
        _planner.Plan(action, observation, page.ViewportSize is { } v ? (v.Width, v.Height) : null);

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
        var page = Page;
        // A typing action the plan refuses (no text, unknown label) types nothing.
        string? reason = Plan(action, observation, page).Step is TypeInto typing
            ? await PageProbe.SensitivityAsync(page, typing, _options, cancellationToken).ConfigureAwait(false)
            : null;
        _lastVerdict = (action, reason is not null);
        return reason;
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
        await _guard.GuardAsync(page).WaitAsync(cancellationToken).ConfigureAwait(false);
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
                : $"opening {url} failed: {WebText.FirstLine(ex.Message)}");
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
        return _guard.IsAllowed(url);
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
        var pages = _tabs.Detach();
        if (_browser is not null)
        {
            if (_ownedContext is not null) await Quietly.AwaitAsync(_ownedContext.CloseAsync()).ConfigureAwait(false);
            await Quietly.AwaitAsync(_browser.CloseAsync()).ConfigureAwait(false);
            _playwright?.Dispose();
            return;
        }
        foreach (var page in pages)
            if (!page.IsClosed) await Quietly.AwaitAsync(_guard.RemoveAsync(page)).ConfigureAwait(false);
    }
}
