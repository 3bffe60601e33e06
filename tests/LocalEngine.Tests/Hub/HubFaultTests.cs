using Glm4vSK.LocalEngine.Hub;
using Glm4vSK.LocalEngine.Testing;

namespace Glm4vSK.LocalEngine.Tests.Hub;

/// <summary>
/// What goes wrong on the way: cut connections resume with Range, corrupted content is refused, gated repositories
/// need a token that never reaches the CDN, unknown repositories / revisions / files are told apart, a full disk and
/// a cancellation leave nothing half-written in the snapshot.
/// </summary>
public sealed class HubFaultTests
{
    static string Sharded => Support.TestModels.TinySharded;

    /// <summary>The largest LFS file the model has (a shard): the one faults are injected into.</summary>
    static string LargestWeights(string dir) =>
        HubTestKit.ExpectedFiles(dir).Where(StandInHub.IsLfs).OrderByDescending(f => new FileInfo(Path.Combine(dir, f)).Length).First();

    [Fact]
    public async Task Cut_transfer_resumes_with_Range_and_completes_identical()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/cut", Sharded);
        string file = LargestWeights(Sharded);
        long cutAt = new FileInfo(Path.Combine(Sharded, file)).Length / 2;
        kit.Hub.CutOnce("org/cut", file, cutAt);

        string snapshot = await HubDownloader.DownloadModelAsync("org/cut", options: kit.Options());

        HubTestKit.AssertLayout(kit.Cache, "org/cut", repo.Commit, snapshot, Sharded);
        var transfers = kit.Hub.Requests.Where(r => r.Listener == "cdn" && r.Path.Contains(Uri.EscapeDataString(file), StringComparison.Ordinal)).ToList();
        Assert.Equal(2, transfers.Count);
        Assert.Null(transfers[0].Range);
        Assert.Equal($"bytes={cutAt}-", transfers[1].Range);
    }

    [Fact]
    public async Task Cut_transfer_without_retries_fails_then_the_next_call_resumes()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/resume", Sharded);
        string file = LargestWeights(Sharded);
        long cutAt = new FileInfo(Path.Combine(Sharded, file)).Length / 3;
        kit.Hub.CutOnce("org/resume", file, cutAt);

        var e = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/resume", options: kit.Options() with { MaxRetries = 0 }));
        Assert.Equal(HubErrorKind.Network, e.Kind);
        Assert.Contains(file, e.Message);
        Assert.Contains("resumes", e.Message);
        string repoDir = Path.Combine(kit.Cache, "models--org--resume");
        // The cut file's partial blob keeps what arrived (others cancelled with it may have theirs too).
        string etag = StandInHub.EtagOf(file, File.ReadAllBytes(Path.Combine(Sharded, file)));
        Assert.Equal(cutAt, new FileInfo(Path.Combine(repoDir, "blobs", etag + ".incomplete")).Length);
        HubTestKit.AssertNoPartialSnapshotFile(kit.Cache, "org/resume", Sharded);
        Assert.False(File.Exists(Path.Combine(repoDir, "snapshots", repo.Commit, file)));
        Assert.False(File.Exists(Path.Combine(repoDir, "refs", "main"))); // the ref waits for a complete snapshot

        string snapshot = await HubDownloader.DownloadModelAsync("org/resume", options: kit.Options() with { MaxRetries = 0 });

        HubTestKit.AssertLayout(kit.Cache, "org/resume", repo.Commit, snapshot, Sharded);
        Assert.Contains(kit.Hub.Requests, r => r.Range == $"bytes={cutAt}-");
    }

    [Fact]
    public async Task Busy_hub_is_retried_up_to_MaxRetries()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/busy", Sharded);
        kit.Hub.FailNext("org/busy", "config.json", times: 2);

        string snapshot = await HubDownloader.DownloadModelAsync("org/busy", options: kit.Options() with { MaxRetries = 2 });
        HubTestKit.AssertLayout(kit.Cache, "org/busy", repo.Commit, snapshot, Sharded);

        kit.Serve("org/busier", Sharded);
        kit.Hub.FailNext("org/busier", "config.json", times: 3);
        var e = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/busier", options: kit.Options() with { MaxRetries = 2 }));
        Assert.Equal(HubErrorKind.Network, e.Kind);
        Assert.Equal(503, e.StatusCode);
    }

    [Fact]
    public async Task Corrupted_content_is_refused_and_nothing_is_kept()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/corrupt", Sharded);
        string file = LargestWeights(Sharded);
        kit.Hub.Corrupt("org/corrupt", file);

        var e = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/corrupt", options: kit.Options()));

        Assert.Equal(HubErrorKind.ChecksumMismatch, e.Kind);
        Assert.Contains(file, e.Message);
        string repoDir = Path.Combine(kit.Cache, "models--org--corrupt");
        string etag = StandInHub.EtagOf(file, File.ReadAllBytes(Path.Combine(Sharded, file)));
        Assert.False(File.Exists(Path.Combine(repoDir, "blobs", etag)));
        Assert.False(File.Exists(Path.Combine(repoDir, "blobs", etag + ".incomplete")));
        Assert.False(File.Exists(Path.Combine(repoDir, "snapshots", repo.Commit, file)));
        HubTestKit.AssertNoPartialSnapshotFile(kit.Cache, "org/corrupt", Sharded);
    }

    [Fact]
    public async Task Corrupted_plain_file_is_refused_by_its_git_sha1()
    {
        await using var kit = new HubTestKit();
        kit.Serve("org/corrupt-config", Sharded);
        kit.Hub.Corrupt("org/corrupt-config", "config.json");

        var e = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/corrupt-config", options: kit.Options()));

        Assert.Equal(HubErrorKind.ChecksumMismatch, e.Kind);
        Assert.Contains("config.json", e.Message);
        HubTestKit.AssertNoPartialSnapshotFile(kit.Cache, "org/corrupt-config", Sharded);
    }

    [Fact]
    public async Task Gated_repository_without_token_is_unauthorized_and_names_HF_TOKEN()
    {
        await using var kit = new HubTestKit();
        kit.Serve("org/gated", Sharded, requiredToken: "hf_right");

        var none = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/gated", options: kit.Options()));
        Assert.Equal(HubErrorKind.Unauthorized, none.Kind);
        Assert.Equal(401, none.StatusCode);
        Assert.Contains("HF_TOKEN", none.Message);
        Assert.Contains($"{kit.Hub.Endpoint}/org/gated", none.Message); // where to request access

        var wrong = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/gated", options: kit.Options("hf_wrong")));
        Assert.Equal(HubErrorKind.Unauthorized, wrong.Kind);
        Assert.Equal(403, wrong.StatusCode);
        HubTestKit.AssertNoPartialSnapshotFile(kit.Cache, "org/gated", Sharded);
    }

    [Fact]
    public async Task Gated_repository_with_token_downloads_and_the_token_never_reaches_the_cdn()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/gated-ok", Sharded, requiredToken: "hf_right");

        string snapshot = await HubDownloader.DownloadModelAsync("org/gated-ok", options: kit.Options("hf_right"));

        HubTestKit.AssertLayout(kit.Cache, "org/gated-ok", repo.Commit, snapshot, Sharded);
        var hub = kit.Hub.Requests.Where(r => r.Listener == "hub").ToList();
        var cdn = kit.Hub.Requests.Where(r => r.Listener == "cdn").ToList();
        Assert.NotEmpty(cdn);
        Assert.All(hub, r => Assert.Equal("Bearer hf_right", r.Authorization));
        Assert.All(cdn, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Relative_redirects_on_the_hub_are_followed_with_the_token()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/resolve-cache", Sharded, requiredToken: "hf_right");
        kit.Hub.RelativeRedirects = true;

        string snapshot = await HubDownloader.DownloadModelAsync("org/resolve-cache", options: kit.Options("hf_right"));

        HubTestKit.AssertLayout(kit.Cache, "org/resolve-cache", repo.Commit, snapshot, Sharded);
        var cached = kit.Hub.Requests.Where(r => r.Path.StartsWith("/api/resolve-cache/", StringComparison.Ordinal)).ToList();
        Assert.Contains(cached, r => r.Method == "HEAD");
        Assert.Contains(cached, r => r.Method == "GET");
        Assert.All(kit.Hub.Requests.Where(r => r.Listener == "hub"), r => Assert.Equal("Bearer hf_right", r.Authorization));
    }

    [Fact]
    public async Task Unknown_repository_revision_and_file_have_their_own_kinds()
    {
        await using var kit = new HubTestKit();
        var files = StandInHub.FilesOf(Sharded);
        var repo = kit.Hub.AddRepo("org/known", files);

        var noRepo = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/unknown", options: kit.Options()));
        Assert.Equal(HubErrorKind.RepositoryNotFound, noRepo.Kind);
        Assert.Equal(404, noRepo.StatusCode);
        Assert.Contains("org/unknown", noRepo.Message);

        var noRev = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/known", "no-such-branch", kit.Options()));
        Assert.Equal(HubErrorKind.RevisionNotFound, noRev.Kind);
        Assert.Contains("no-such-branch", noRev.Message);

        // A shard the index names but the repository does not have.
        string shard = HubTestKit.ExpectedFiles(Sharded).First(StandInHub.IsLfs);
        files.Remove(shard);
        kit.Hub.AddRepo("org/missing-shard", files);
        var noFile = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/missing-shard", options: kit.Options()));
        Assert.Equal(HubErrorKind.FileNotFound, noFile.Kind);
        Assert.Contains(shard, noFile.Message);
        Assert.DoesNotContain(kit.Hub.Requests, r => r.Path.Contains("missing-shard/resolve", StringComparison.Ordinal) && r.Path.EndsWith(shard, StringComparison.Ordinal));
    }

    [Fact]
    public async Task File_listed_but_not_served_is_file_not_found_and_remembered_in_no_exist()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/vanishing", Sharded);
        kit.Hub.Hide("org/vanishing", "config.json"); // listed by the API, 404 EntryNotFound on resolve

        var e = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/vanishing", options: kit.Options()));

        Assert.Equal(HubErrorKind.FileNotFound, e.Kind);
        Assert.Equal(404, e.StatusCode);
        Assert.Contains("config.json", e.Message);
        Assert.True(File.Exists(Path.Combine(kit.Cache, "models--org--vanishing", ".no_exist", repo.Commit, "config.json")));
        HubTestKit.AssertNoPartialSnapshotFile(kit.Cache, "org/vanishing", Sharded);
    }

    [Fact]
    public async Task Full_disk_is_reported_before_any_transfer()
    {
        await using var kit = new HubTestKit();
        kit.Serve("org/huge", Sharded);
        string file = LargestWeights(Sharded);
        kit.Hub.AnnounceSize("org/huge", file, long.MaxValue / 4); // more than any disk has free

        var e = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/huge", options: kit.Options()));

        Assert.Equal(HubErrorKind.DiskFull, e.Kind);
        Assert.Contains("HF_HUB_CACHE", e.Message);
        Assert.DoesNotContain(kit.Hub.Requests, r => r.Method == "GET" && r.Listener == "cdn");
    }

    [Fact]
    public void Disk_full_is_recognised_from_the_operating_systems_error()
    {
        int enospc = OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28;
        Assert.True(HubDownloader.IsDiskFull(new IOException("No space left on device", enospc)));
        Assert.False(HubDownloader.IsDiskFull(new IOException("Permission denied", 13)));
    }

    [Fact]
    public async Task Cancellation_midway_leaves_no_partial_file_in_the_snapshot()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/cancel", Sharded);
        kit.Hub.ChunkDelay = TimeSpan.FromMilliseconds(20);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<HubDownloadProgress>(p =>
        {
            if (StandInHub.IsLfs(p.File) && p.FileBytesDone > 0 && p.FileBytesDone < p.FileBytesTotal) cts.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            HubDownloader.DownloadModelAsync("org/cancel", options: kit.Options(), progress: progress, cancellationToken: cts.Token));

        HubTestKit.AssertNoPartialSnapshotFile(kit.Cache, "org/cancel", Sharded);
        string repoDir = Path.Combine(kit.Cache, "models--org--cancel");
        Assert.False(File.Exists(Path.Combine(repoDir, "refs", "main")));
        // Resuming afterwards completes the same snapshot.
        kit.Hub.ChunkDelay = TimeSpan.Zero;
        string snapshot = await HubDownloader.DownloadModelAsync("org/cancel", options: kit.Options());
        HubTestKit.AssertLayout(kit.Cache, "org/cancel", repo.Commit, snapshot, Sharded);
    }

    [Theory]
    [InlineData("../outside.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../escape.safetensors")]
    public async Task Shard_names_that_leave_the_snapshot_are_refused(string evil)
    {
        await using var kit = new HubTestKit();
        var files = StandInHub.FilesOf(Sharded);
        string index = System.Text.Encoding.UTF8.GetString(files["model.safetensors.index.json"]);
        string shard = HubTestKit.ExpectedFiles(Sharded).First(StandInHub.IsLfs);
        files["model.safetensors.index.json"] = System.Text.Encoding.UTF8.GetBytes(index.Replace($"\"{shard}\"", System.Text.Json.JsonSerializer.Serialize(evil)));
        files[evil] = files[shard];
        kit.Hub.AddRepo("org/evil", files);

        var e = await Assert.ThrowsAsync<HubException>(() => HubDownloader.DownloadModelAsync("org/evil", options: kit.Options()));

        Assert.Equal(HubErrorKind.InvalidResponse, e.Kind);
        Assert.Contains(evil, e.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(kit.Cache)!, "*.safetensors", SearchOption.TopDirectoryOnly));
        Assert.DoesNotContain(kit.Hub.Requests, r => r.Path.Contains("outside", StringComparison.Ordinal) || r.Path.Contains("escape", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("no-slash/../x")]
    [InlineData("org/na me")]
    [InlineData("org/name/extra")]
    [InlineData("org--x/name")]
    [InlineData("-org/name")]
    public async Task Malformed_repository_ids_are_argument_errors(string repoId)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => HubDownloader.DownloadModelAsync(repoId, options: new HubOptions { Endpoint = "http://127.0.0.1:9", CacheDirectory = Path.GetTempPath() }));
    }
}
