using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// Holds the navigation rule inside the browser: a page load to a URL the rule refuses is cancelled before it is sent
/// (the page stays on its document) and recorded; in a browser the executor launched (<paramref name="ownedContext"/>),
/// every other request and WebSocket to such a URL is blocked and recorded too.
/// </summary>
/// <param name="rule">The navigation rule (<see cref="WebExecutorOptions.AllowNavigation"/> or the default one).</param>
/// <param name="home">The start URL (or the wrapped page's origin): the folder <c>file:</c> URLs must stay in.</param>
internal sealed class NavigationGuard(Func<Uri, bool> rule, Uri? home, bool allowFileUrls, IBrowserContext? ownedContext)
{
    private readonly ConcurrentQueue<string> _blocked = new();
    private readonly ConcurrentQueue<string> _blockedRequests = new();
    private readonly ConcurrentQueue<string> _blockedPageLoads = new();
    private readonly Dictionary<IPage, Task> _guards = [];
    private readonly object _gate = new();
    private Task? _contextGuard;
    private int _blockedPageLoadCount;

    /// <summary>Blocked page and iframe loads, oldest first.</summary>
    public IReadOnlyList<string> BlockedNavigations => [.. _blocked];

    /// <summary>Other blocked requests (images, scripts, <c>fetch</c>/XHR, WebSockets), oldest first.</summary>
    public IReadOnlyList<string> BlockedRequests => [.. _blockedRequests];

    /// <summary>How many page loads (not iframe loads) were blocked so far.</summary>
    public int BlockedPageLoadCount => Volatile.Read(ref _blockedPageLoadCount);

    /// <summary>The page loads blocked after the first <paramref name="count"/>, oldest first.</summary>
    public string[] PageLoadsBlockedSince(int count) => [.. _blockedPageLoads.Skip(count)];

    /// <summary>See <see cref="PlaywrightWebExecutor.IsAllowed(Uri)"/>.</summary>
    public bool IsAllowed(Uri url)
    {
        if (!url.IsAbsoluteUri) return false;
        return url.Scheme switch
        {
            "about" => url.AbsolutePath is "blank" or "srcdoc",
            "data" => true,
            // blob:http://host:port/uuid belongs to the origin after "blob:".
            "blob" => Uri.TryCreate(url.AbsolutePath, UriKind.Absolute, out var owner) && owner.Scheme is not ("blob" or "about" or "data") && IsAllowed(owner),
            "file" => WebOriginPolicy.IsAllowedFile(url, home, allowFileUrls) && rule(url),
            _ => rule(url),
        };
    }

    private bool IsAllowed(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsAllowed(uri);

    /// <summary>
    /// Installs the guard once: for a launched browser a context-level route (every page, every request); for a
    /// wrapped page a page-level route that guards page loads only.
    /// </summary>
    public Task GuardAsync(IPage page)
    {
        lock (_gate)
        {
            if (ownedContext is not null)
                return _contextGuard ??= Task.WhenAll(
                    ownedContext.RouteAsync("**/*", RouteAsync),
                    ownedContext.RouteWebSocketAsync(url => !IsAllowed(url), BlockWebSocket));
            if (!_guards.TryGetValue(page, out var task))
            {
                task = page.RouteAsync("**/*", RouteAsync);
                _guards[page] = task;
            }
            return task;
        }
    }

    /// <summary>Removes the page-level guard from a wrapped page (the caller keeps the page).</summary>
    public Task RemoveAsync(IPage page) => page.UnrouteAsync("**/*", RouteAsync);

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
                    Interlocked.Increment(ref _blockedPageLoadCount);
                }
                // 204 No Content: the browser cancels the load and stays on the current document (an aborted
                // request would commit Chromium's error page instead).
                await route.FulfillAsync(new RouteFulfillOptions { Status = 204, Body = "" }).ConfigureAwait(false);
            }
            else if (!allowed && ownedContext is not null)
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
        _ = Quietly.AwaitAsync(socket.CloseAsync(new WebSocketRouteCloseOptions { Code = 1008, Reason = "blocked by the allow-list" }));
    }
}
