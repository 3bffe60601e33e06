using System.Text;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>Downloads under <see cref="MediaAccessPolicy"/>: every redirect hop is checked, the size cap holds without a Content-Length.</summary>
public sealed class MediaRedirectTests
{
    static LoopbackHttpServer Server(Func<string, string?> redirectFor) => new(async (path, s, ct) =>
    {
        if (redirectFor(path) is { } location) await LoopbackHttpServer.RespondAsync(s, "302 Found", $"Location: {location}\r\n", ct: ct);
        else await LoopbackHttpServer.RespondAsync(s, "200 OK", "Content-Type: image/png\r\n", Encoding.ASCII.GetBytes("img:" + path), ct);
    });

    static MediaLoader Loader(params string[] hosts) => new(new MediaAccessPolicy { AllowRemoteUrls = true, AllowedHosts = hosts });

    [Fact]
    public async Task A_redirect_to_a_host_outside_AllowedHosts_is_refused_before_it_is_requested()
    {
        await using var real = Server(_ => null);
        // localhost is allowed, 127.0.0.1 (same machine, other name) is not.
        await using var redirecting = Server(path => path == "/a.png" ? $"http://127.0.0.1:{real.Port}/secret.png" : null);
        var e = await Assert.ThrowsAsync<MediaAccessDeniedException>(() =>
            Loader("localhost").LoadAsync(new UriContent(redirecting.Url("/a.png", "localhost"), "image/png")));
        Assert.Equal($"http://127.0.0.1:{real.Port}/secret.png", e.Location);
        Assert.Contains($"http://127.0.0.1:{real.Port}/secret.png", e.Message);
        Assert.Empty(real.Requests);
    }

    [Fact]
    public async Task A_redirect_to_a_file_url_is_refused()
    {
        await using var server = Server(path => path == "/a.png" ? "file:///etc/passwd" : null);
        var e = await Assert.ThrowsAsync<MediaAccessDeniedException>(() => Loader().LoadAsync(new UriContent(server.Url("/a.png"), "image/png")));
        Assert.Contains("file:///etc/passwd", e.Message);
    }

    [Fact]
    public async Task A_redirect_chain_inside_the_allowed_hosts_is_followed_with_relative_locations_resolved()
    {
        await using var server = Server(path => path switch
        {
            "/dir/b.png" => "c.png",          // relative to /dir/
            "/dir/c.png" => "/final.png",     // absolute path, same host
            _ => null,
        });
        await using var front = new LoopbackHttpServer(async (path, s, ct) =>
            await LoopbackHttpServer.RespondAsync(s, "301 Moved Permanently", $"Location: http://127.0.0.1:{server.Port}/dir/b.png\r\n", ct: ct));
        var got = await Loader("localhost", "127.0.0.1").LoadAsync(new UriContent(front.Url("/a.png", "localhost"), "image/png"));
        Assert.Equal("img:/final.png", Encoding.ASCII.GetString(got.Data.Span));
        Assert.Equal(["/dir/b.png", "/dir/c.png", "/final.png"], server.Requests.ToArray());
    }

    [Fact]
    public async Task Too_many_redirects_are_a_typed_error()
    {
        await using var server = Server(path => "/loop" + path.Length + ".png");
        var e = await Assert.ThrowsAsync<InvalidMediaException>(() =>
            new MediaLoader(new MediaAccessPolicy { AllowRemoteUrls = true, MaxRedirects = 3 }).LoadAsync(new UriContent(server.Url("/start.png"), "image/png")));
        Assert.Contains("redirect", e.Message);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task The_size_cap_holds_for_a_body_without_Content_Length()
    {
        await using var server = new LoopbackHttpServer(async (_, s, ct) =>
        {
            await s.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
            var chunk = new byte[4096];
            for (int i = 0; i < 64; i++) await s.WriteAsync(chunk, ct);
        });
        var e = await Assert.ThrowsAsync<InvalidMediaException>(() =>
            new MediaLoader(new MediaAccessPolicy { AllowRemoteUrls = true, MaxMediaBytes = 10_000 }).LoadAsync(new UriContent(server.Url("/big.png"), "image/png")));
        Assert.Contains("MaxMediaBytes", e.Message);
    }

    [Fact]
    public async Task Cancelling_a_slow_download_is_honoured()
    {
        var release = new TaskCompletionSource();
        await using var server = new LoopbackHttpServer(async (_, s, ct) =>
        {
            await s.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100\r\nConnection: close\r\n\r\nab"u8.ToArray(), ct);
            await release.Task.WaitAsync(ct);   // the rest of the body never comes
        });
        using var cts = new CancellationTokenSource();
        var load = new MediaLoader(new MediaAccessPolicy { AllowRemoteUrls = true }).LoadAsync(new UriContent(server.Url("/slow.png"), "image/png"), cts.Token);
        while (server.Requests.IsEmpty) await Task.Delay(10);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load.WaitAsync(TimeSpan.FromSeconds(30)));
        release.TrySetResult();
    }
}
