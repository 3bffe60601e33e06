using System.Net;
using Glm4vSK.Agents.Executors;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// Which URLs <see cref="PlaywrightWebExecutor"/> lets a page load: the start origin by default, more only when the
/// options opt in (<see cref="WebExecutorOptions.AllowedOrigins"/>, <see cref="WebExecutorOptions.AllowLoopback"/>,
/// <see cref="WebExecutorOptions.AllowFileUrls"/>). Default-deny, because a page the agent reads may try to reach
/// other local services (dev servers, a DevTools port) or local files.
/// </summary>
internal static class WebOriginPolicy
{
    private static readonly string[] NetworkSchemes = ["http", "https", "ws", "wss"];

    /// <summary>A proxy nobody listens on (port 1 on loopback): a connection sent there fails at once.</summary>
    private const string DeadProxy = "http://127.0.0.1:1";

    /// <summary>The default rule for <paramref name="start"/> (see <see cref="WebExecutorOptions.AllowNavigation"/>).</summary>
    public static Func<Uri, bool> Default(Uri? start, WebExecutorOptions options)
    {
        var origins = Origins(start, options);
        bool loopback = options.AllowLoopback, files = options.AllowFileUrls;
        return uri =>
        {
            if (!uri.IsAbsoluteUri) return false;
            if (uri.Scheme == "file") return IsAllowedFile(uri, start, files);
            if (!IsNetwork(uri)) return false;
            if (loopback && IsLoopback(uri)) return true;
            return origins.Any(o => SameOrigin(uri, o));
        };
    }

    /// <summary>
    /// Chromium arguments that hold the default rule in the network stack too: every connection goes to a dead proxy
    /// except those to the allowed hosts and ports (the bypass list, with loopback's implicit bypass removed). Playwright's
    /// routing sees page and frame requests and page WebSockets, but not a WebSocket a web worker opens; this catches it.
    /// </summary>
    /// <remarks>
    /// Nothing when <see cref="WebExecutorOptions.AllowNavigation"/> is set (a custom rule has no host list) or
    /// <see cref="WebExecutorOptions.ExtraArguments"/> configure a proxy themselves (their proxy wins; Playwright's
    /// routing still guards).
    /// </remarks>
    public static string[] NetworkArguments(Uri? start, WebExecutorOptions options)
    {
        if (options.AllowNavigation is not null ||
            options.ExtraArguments.Any(a => a.StartsWith("--proxy-", StringComparison.Ordinal) || a.StartsWith("--no-proxy-server", StringComparison.Ordinal)))
            return [];
        List<string> bypass = ["<-loopback>", .. Origins(start, options).Select(o => $"{o.Host}:{o.Port}")];
        if (options.AllowLoopback) bypass.AddRange(["localhost", "*.localhost", "127.0.0.1/8", "[::1]"]);
        return [$"--proxy-server={DeadProxy}", $"--proxy-bypass-list={string.Join(';', bypass.Distinct())}"];
    }

    private static Uri[] Origins(Uri? start, WebExecutorOptions options) =>
        [.. (start is { IsAbsoluteUri: true } && IsNetwork(start) ? [start] : Array.Empty<Uri>()), .. options.AllowedOrigins];

    /// <summary>
    /// Whether <paramref name="uri"/> (a <c>file:</c> URL) may be loaded: only with <paramref name="allowFiles"/>, a
    /// <c>file:</c> start URL, and inside the start file's folder.
    /// </summary>
    public static bool IsAllowedFile(Uri uri, Uri? start, bool allowFiles)
    {
        if (!allowFiles || start is not { IsAbsoluteUri: true, Scheme: "file" } || uri.Scheme != "file") return false;
        if (!string.Equals(uri.Host, start.Host, StringComparison.OrdinalIgnoreCase)) return false;
        string folder = start.AbsolutePath[..(start.AbsolutePath.LastIndexOf('/') + 1)];
        // Uri removes "." and ".." segments, so a prefix test on the path is a folder test.
        return uri.AbsolutePath.StartsWith(folder, StringComparison.Ordinal);
    }

    /// <summary>Same scheme, host and port; a WebSocket URL matches the HTTP origin it belongs to (<c>ws</c> ↔ <c>http</c>, <c>wss</c> ↔ <c>https</c>).</summary>
    public static bool SameOrigin(Uri uri, Uri origin) =>
        HttpScheme(uri.Scheme) == HttpScheme(origin.Scheme) &&
        string.Equals(uri.IdnHost, origin.IdnHost, StringComparison.OrdinalIgnoreCase) &&
        uri.Port == origin.Port;

    /// <summary>A loopback host: <c>localhost</c> (and <c>*.localhost</c>, which Chromium resolves to loopback), <c>127.0.0.0/8</c>, <c>::1</c>.</summary>
    public static bool IsLoopback(Uri uri)
    {
        string host = uri.IdnHost.Trim('[', ']').TrimEnd('.');
        return uri.IsLoopback || host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
               host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ||
               (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>An origin list entry must be an absolute http(s)/ws(s) URI.</summary>
    public static bool IsValidOrigin(Uri? origin) => origin is { IsAbsoluteUri: true } && IsNetwork(origin);

    private static bool IsNetwork(Uri uri) => NetworkSchemes.Contains(uri.Scheme);

    private static string HttpScheme(string scheme) => scheme switch
    {
        "ws" => "http",
        "wss" => "https",
        _ => scheme,
    };
}
