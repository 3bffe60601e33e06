using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Glm4vSK.Server;

/// <summary>
/// Serves the self-contained chat page (<c>index.html</c>, <c>chat.js</c>, <c>chat.css</c>, embedded in this assembly)
/// that talks to the OpenAI-compatible endpoints of the same origin. Nothing is fetched from elsewhere: the page sends a
/// strict Content-Security-Policy that only allows its own origin (plus <c>data:</c>/<c>blob:</c> images for attachments).
/// </summary>
public static class ChatPageEndpoints
{
    /// <summary>The Content-Security-Policy sent with the page and its assets: own origin only, no inline script or style.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Maps <c>GET {path}</c> to the chat page and <c>GET {path}chat.js</c> / <c>{path}chat.css</c> to its assets.
    /// A path without a trailing slash (e.g. <c>/chat</c>) redirects to <c>/chat/</c> so the page's relative asset
    /// links resolve. The page calls <c>/v1/models</c> and <c>/v1/chat/completions</c> under the request's path base.
    /// </summary>
    public static IEndpointRouteBuilder MapGlm4vChatPage(this IEndpointRouteBuilder app, string path = "/")
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
            throw new ArgumentException($"The chat page path '{path}' must start with '/', e.g. \"/\" or \"/chat\".", nameof(path));

        string folder = path.EndsWith('/') ? path : path + "/";
        // Routing ignores a trailing slash, so "/chat/" also matches "/chat"; that one is redirected.
        app.MapGet(folder, (HttpContext context) =>
        {
            if (!(context.Request.Path.Value ?? "").EndsWith('/'))
                return Results.Redirect(context.Request.PathBase + folder);
            // The API base travels in a data attribute (no inline script under the CSP).
            string html = ChatPageAssets.IndexHtml.Replace("{{API_BASE}}", WebUtility.HtmlEncode(context.Request.PathBase.Value ?? ""), StringComparison.Ordinal);
            return Serve(context, System.Text.Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        app.MapGet(folder + "chat.js", (HttpContext context) => Serve(context, ChatPageAssets.ChatJs, "text/javascript; charset=utf-8")).ExcludeFromDescription();
        app.MapGet(folder + "chat.css", (HttpContext context) => Serve(context, ChatPageAssets.ChatCss, "text/css; charset=utf-8")).ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpContext context, byte[] body, string contentType)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Results.Bytes(body, contentType);
    }
}
