using Glm4vSK.LocalEngine.Hub;
using Glm4vSK.LocalEngine.Testing;
using Glm4vSK.LocalEngine.Tests.Support;

namespace Glm4vSK.LocalEngine.Tests.Hub;

/// <summary>
/// The cache is shared with Python's huggingface_hub: a snapshot laid out the way it lays one out (written here by
/// hand, independently of the downloader) is used as is — offline without a single request, online with only the
/// revision look-up — and offline without the model fails with the Offline kind.
/// </summary>
public sealed class HubCacheInteropTests
{
    /// <summary>
    /// Lays out <paramref name="modelDir"/> as huggingface_hub's hf_hub_download leaves it: blobs named by the ETag
    /// (git blob sha1, sha256 for LFS files), snapshot files as relative symlinks, refs/{revision} = commit, no newline.
    /// </summary>
    static string LayOutLikeHuggingfaceHub(string cache, string repoId, string commit, string modelDir, string revision = "main")
    {
        string repoDir = Path.Combine(cache, "models--" + repoId.Replace("/", "--"));
        string snapshot = Path.Combine(repoDir, "snapshots", commit);
        Directory.CreateDirectory(Path.Combine(repoDir, "blobs"));
        Directory.CreateDirectory(snapshot);
        foreach (var file in HubTestKit.ExpectedFiles(modelDir))
        {
            byte[] content = File.ReadAllBytes(Path.Combine(modelDir, file));
            string etag = StandInHub.EtagOf(file, content);
            File.WriteAllBytes(Path.Combine(repoDir, "blobs", etag), content);
            File.CreateSymbolicLink(Path.Combine(snapshot, file), "../../blobs/" + etag);
        }
        Directory.CreateDirectory(Path.Combine(repoDir, "refs"));
        File.WriteAllText(Path.Combine(repoDir, "refs", revision), commit);
        return snapshot;
    }

    [Fact]
    public async Task Offline_a_huggingface_hub_snapshot_is_used_without_any_request()
    {
        await using var kit = new HubTestKit();
        const string commit = "0123456789abcdef0123456789abcdef01234567";
        string snapshot = LayOutLikeHuggingfaceHub(kit.Cache, "org/from-python", commit, TestModels.TinySharded);

        string found = await HubDownloader.DownloadModelAsync("org/from-python", options: kit.Options() with { Offline = true });
        string byCommit = await HubDownloader.DownloadModelAsync("org/from-python", commit, kit.Options() with { Offline = true });

        Assert.Equal(snapshot, found);
        Assert.Equal(snapshot, byCommit);
        Assert.Empty(kit.Hub.Requests);
        using var engine = Glm4vEngine.Load(found);
        Assert.True(engine.Model.LayerCount > 0);
    }

    [Fact]
    public async Task Online_a_huggingface_hub_snapshot_costs_only_the_revision_lookup()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/shared-cache", TestModels.TinySharded);
        string snapshot = LayOutLikeHuggingfaceHub(kit.Cache, "org/shared-cache", repo.Commit, TestModels.TinySharded);

        string found = await HubDownloader.DownloadModelAsync("org/shared-cache", options: kit.Options());

        Assert.Equal(snapshot, found);
        var request = Assert.Single(kit.Hub.Requests);
        Assert.StartsWith("/api/models/org/shared-cache/revision/", request.Path);
        HubTestKit.AssertLayout(kit.Cache, "org/shared-cache", repo.Commit, found, TestModels.TinySharded);
    }

    [Fact]
    public async Task A_blob_huggingface_hub_already_has_is_linked_not_transferred()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/blobs", TestModels.TinySharded);
        string dir = TestModels.TinySharded;
        string blobs = Directory.CreateDirectory(Path.Combine(kit.Cache, "models--org--blobs", "blobs")).FullName;
        var weights = HubTestKit.ExpectedFiles(dir).Where(StandInHub.IsLfs).ToList();
        foreach (var f in weights)
        {
            byte[] content = File.ReadAllBytes(Path.Combine(dir, f));
            File.WriteAllBytes(Path.Combine(blobs, StandInHub.EtagOf(f, content)), content); // left by another snapshot
        }

        string snapshot = await HubDownloader.DownloadModelAsync("org/blobs", options: kit.Options());

        HubTestKit.AssertLayout(kit.Cache, "org/blobs", repo.Commit, snapshot, dir);
        Assert.DoesNotContain(kit.Hub.Requests, r => r.Listener == "cdn");
    }

    [Fact]
    public async Task Offline_without_the_model_is_the_Offline_kind_and_sends_nothing()
    {
        await using var kit = new HubTestKit();
        kit.Serve("org/not-cached", TestModels.TinySharded);

        var e = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/not-cached", options: kit.Options() with { Offline = true }));

        Assert.Equal(HubErrorKind.Offline, e.Kind);
        Assert.Contains("HF_HUB_OFFLINE", e.Message);
        Assert.Contains("org/not-cached", e.Message);
        Assert.Empty(kit.Hub.Requests);
    }

    [Fact]
    public async Task Unreachable_hub_falls_back_to_the_cached_revision_else_fails_as_Network()
    {
        using var tmp = new TempDir();
        // A port nothing listens on: bound, then released.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var options = new HubOptions { Endpoint = $"http://127.0.0.1:{port}", CacheDirectory = tmp.Path, Token = "", Offline = false, MaxRetries = 0 };

        var e = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/cached", options: options));
        Assert.Equal(HubErrorKind.Network, e.Kind);

        string snapshot = LayOutLikeHuggingfaceHub(tmp.Path, "org/cached", "89abcdef0123456789abcdef0123456789abcdef", TestModels.TinySharded);
        Assert.Equal(snapshot, await HubDownloader.DownloadModelAsync("org/cached", options: options));
    }

    [Fact]
    public void Invalid_hub_options_are_engine_option_problems()
    {
        var options = new EngineOptions { Download = true, HubOptions = new HubOptions { MaxParallelDownloads = 0, MaxRetries = -1, Endpoint = "ftp://x" } };
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("HubOptions.MaxParallelDownloads", e.Message);
        Assert.Contains("HubOptions.MaxRetries", e.Message);
        Assert.Contains("HubOptions.Endpoint", e.Message);
    }
}
