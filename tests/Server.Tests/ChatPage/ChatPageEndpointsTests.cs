using System.Net;

namespace Glm4vSK.Server.Tests.ChatPage;

/// <summary>The page's HTTP side: content types, the strict CSP and nosniff, no outside URL in any file, and mounting under a path.</summary>
public sealed class ChatPageEndpointsTests : IAsyncLifetime
{
    private FakeChatServer _server = null!;
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false });

    public async ValueTask InitializeAsync() => _server = await FakeChatServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("", "text/html")]
    [InlineData("chat.js", "text/javascript")]
    [InlineData("chat.css", "text/css")]
    [InlineData("chat/", "text/html")]
    [InlineData("chat/chat.js", "text/javascript")]
    public async Task Serves_each_file_with_its_type_the_strict_csp_and_nosniff(string path, string mediaType)
    {
        using var response = await _http.GetAsync(new Uri(_server.BaseUri, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        string csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("default-src 'self'", directives);
        Assert.Contains("script-src 'self'", directives);
        Assert.Contains("connect-src 'self'", directives);
        Assert.Contains("img-src 'self' data: blob:", directives);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);

        // Self-contained: no absolute URL (CDN, font, analytics) anywhere in the files.
        string body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("http://", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("//cdn", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_page_has_no_inline_script_and_links_its_assets_relatively()
    {
        string html = await _http.GetStringAsync(_server.BaseUri);
        Assert.Contains("<script src=\"chat.js\"", html);
        Assert.Contains("href=\"chat.css\"", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html); // no inline handlers (onclick=…), which the CSP would block anyway
        Assert.DoesNotContain("{{API_BASE}}", html);
    }

    [Fact]
    public async Task A_path_without_a_trailing_slash_redirects_to_the_folder()
    {
        using var response = await _http.GetAsync(new Uri(_server.BaseUri, "chat"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/chat/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public void A_relative_path_is_refused_with_the_fix()
    {
        var app = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder().Build();
        var error = Assert.Throws<ArgumentException>(() => app.MapGlm4vChatPage("chat"));
        Assert.Contains("must start with '/'", error.Message);
    }
}
