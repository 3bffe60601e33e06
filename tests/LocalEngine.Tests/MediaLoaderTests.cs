using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Tests;

public sealed class MediaLoaderTests
{
    static (string Root, string Outside) Layout()
    {
        string baseDir = RandomModels.NewTempDir("media");
        string root = Directory.CreateDirectory(Path.Combine(baseDir, "allowed")).FullName;
        string outside = Directory.CreateDirectory(Path.Combine(baseDir, "private")).FullName;
        File.WriteAllBytes(Path.Combine(root, "a.png"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(outside, "secret.png"), [9, 9, 9]);
        return (root, outside);
    }

    [Fact]
    public async Task Inline_data_always_loads_and_files_only_under_allowed_roots()
    {
        var (root, outside) = Layout();
        var loader = new MediaLoader(new MediaAccessPolicy { AllowedFileRoots = [root] });
        Assert.Equal(new byte[] { 7 }, (await loader.LoadAsync(new DataContent(new byte[] { 7 }, "image/png"))).Data.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3 }, (await loader.LoadAsync(new UriContent(new Uri(Path.Combine(root, "a.png")), "image/png"))).Data.ToArray());
        var denied = await Assert.ThrowsAsync<MediaAccessDeniedException>(() => loader.LoadAsync(new UriContent(new Uri(Path.Combine(outside, "secret.png")), "image/png")));
        Assert.Contains("outside the allowed roots", denied.Message);
        // ../ tricks are resolved before the check.
        await Assert.ThrowsAsync<MediaAccessDeniedException>(() => loader.LoadAsync(new UriContent(new Uri(Path.Combine(root, "..", "private", "secret.png")), "image/png")));
        // Nothing allowed by default.
        await Assert.ThrowsAsync<MediaAccessDeniedException>(() => new MediaLoader().LoadAsync(new UriContent(new Uri(Path.Combine(root, "a.png")), "image/png")));
    }

    [Fact]
    public async Task A_symbolic_link_cannot_lead_out_of_a_root()
    {
        var (root, outside) = Layout();
        File.CreateSymbolicLink(Path.Combine(root, "link.png"), Path.Combine(outside, "secret.png"));
        Directory.CreateSymbolicLink(Path.Combine(root, "dirlink"), outside);
        var loader = new MediaLoader(new MediaAccessPolicy { AllowedFileRoots = [root] });
        await Assert.ThrowsAsync<MediaAccessDeniedException>(() => loader.LoadAsync(new UriContent(new Uri(Path.Combine(root, "link.png")), "image/png")));
        await Assert.ThrowsAsync<MediaAccessDeniedException>(() => loader.LoadAsync(new UriContent(new Uri(Path.Combine(root, "dirlink", "secret.png")), "image/png")));
    }

    [Fact]
    public async Task Urls_are_fetched_only_when_allowed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        int requests = 0;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            Interlocked.Increment(ref requests);
            await using var s = client.GetStream();
            var buf = new byte[4096];
            _ = await s.ReadAsync(buf);
            await s.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc"u8.ToArray());
        });
        var url = new Uri($"http://127.0.0.1:{port}/cat.png");
        await Assert.ThrowsAsync<MediaAccessDeniedException>(() => new MediaLoader().LoadAsync(new UriContent(url, "image/png")));
        await Assert.ThrowsAsync<MediaAccessDeniedException>(() =>
            new MediaLoader(new MediaAccessPolicy { AllowRemoteUrls = true, AllowedHosts = ["example.org"] }).LoadAsync(new UriContent(url, "image/png")));
        Assert.Equal(0, requests);
        var ok = await new MediaLoader(new MediaAccessPolicy { AllowRemoteUrls = true }).LoadAsync(new UriContent(url, "image/*"));
        Assert.Equal("abc"u8.ToArray(), ok.Data.ToArray());
        await server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, requests);
    }

    [Fact]
    public async Task Empty_and_oversized_media_are_refused()
    {
        var loader = new MediaLoader(new MediaAccessPolicy { MaxMediaBytes = 10 });
        await Assert.ThrowsAsync<InvalidMediaException>(() => loader.LoadAsync(new DataContent(Array.Empty<byte>(), "image/png")));
        await Assert.ThrowsAsync<InvalidMediaException>(() => loader.LoadAsync(new DataContent(new byte[11], "image/png")));
    }

    /// <summary>A named pipe made with mkfifo (nothing ever writes to it unless the test does).</summary>
    internal static string MakeFifo(string dir, string name)
    {
        string path = Path.Combine(dir, name);
        var psi = new ProcessStartInfo("mkfifo") { RedirectStandardError = true };
        psi.ArgumentList.Add(path);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return path;
    }

    /// <summary>Unblocks a reader stuck opening the FIFO (only used when a check failed, so the test run can end).</summary>
    static void ReleaseFifoReader(string fifo, Task pending)
    {
        if (!pending.IsCompleted) _ = Task.Run(() => { using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write); });
    }

    [Fact]
    public async Task A_fifo_inside_a_root_is_refused_at_once()
    {
        var (root, _) = Layout();
        string fifo = MakeFifo(root, "pipe.png");
        var loader = new MediaLoader(new MediaAccessPolicy { AllowedFileRoots = [root] });
        // On a thread of its own: a blocking open of the FIFO must not hang the test itself.
        var load = Task.Run(() => loader.LoadAsync(new UriContent(new Uri(fifo), "image/png")));
        try
        {
            var e = await Assert.ThrowsAsync<InvalidMediaException>(() => load.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("not a regular file", e.Message);
            Assert.Contains(fifo, e.Message);
            // The video path (ffmpeg reads the file itself) refuses it too.
            Assert.Throws<InvalidMediaException>(() => loader.ResolveLocalFile(new Uri(fifo)));
            // A symbolic link to the FIFO is judged by what it points at.
            File.CreateSymbolicLink(Path.Combine(root, "link.png"), fifo);
            await Assert.ThrowsAsync<InvalidMediaException>(() => Task.Run(() => loader.LoadAsync(new UriContent(new Uri(Path.Combine(root, "link.png")), "image/png"))).WaitAsync(TimeSpan.FromSeconds(20)));
        }
        finally { ReleaseFifoReader(fifo, load); }
    }

    [Fact]
    public async Task Directories_and_sockets_inside_a_root_are_refused()
    {
        var (root, _) = Layout();
        var loader = new MediaLoader(new MediaAccessPolicy { AllowedFileRoots = [root] });
        string dir = Directory.CreateDirectory(Path.Combine(root, "sub.png")).FullName;
        var e = await Assert.ThrowsAsync<InvalidMediaException>(() => loader.LoadAsync(new UriContent(new Uri(dir), "image/png")));
        Assert.Contains("not a regular file", e.Message);
        string sock = Path.Combine(root, "s.png");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(sock));
        e = await Assert.ThrowsAsync<InvalidMediaException>(() => loader.LoadAsync(new UriContent(new Uri(sock), "image/png")));
        Assert.Contains("not a regular file", e.Message);
        Assert.Throws<InvalidMediaException>(() => loader.ResolveLocalFile(new Uri(sock)));
    }

    [Fact]
    public async Task A_symbolic_link_loop_is_a_typed_error()
    {
        var (root, _) = Layout();
        File.CreateSymbolicLink(Path.Combine(root, "x.png"), Path.Combine(root, "y.png"));
        File.CreateSymbolicLink(Path.Combine(root, "y.png"), Path.Combine(root, "x.png"));
        var loader = new MediaLoader(new MediaAccessPolicy { AllowedFileRoots = [root] });
        var e = await Assert.ThrowsAsync<InvalidMediaException>(() => loader.LoadAsync(new UriContent(new Uri(Path.Combine(root, "x.png")), "image/png")));
        Assert.Contains("x.png", e.Message);
        Assert.Throws<InvalidMediaException>(() => loader.ResolveLocalFile(new Uri(Path.Combine(root, "x.png"))));
    }

    [Fact]
    public async Task A_relative_uri_is_a_typed_error()
    {
        var (root, _) = Layout();
        var loader = new MediaLoader(new MediaAccessPolicy { AllowedFileRoots = [root] });
        var e = await Assert.ThrowsAsync<InvalidMediaException>(() => loader.LoadAsync(new UriContent(new Uri("images/a.png", UriKind.Relative), "image/png")));
        Assert.Contains("images/a.png", e.Message);
        Assert.Throws<InvalidMediaException>(() => loader.ResolveLocalFile(new Uri("a.png", UriKind.Relative)));
    }
}
