using System.Collections.Concurrent;
using Glm4vSK.LocalEngine.Hub;
using Glm4vSK.LocalEngine.Testing;

namespace Glm4vSK.LocalEngine.Tests.Hub;

/// <summary>
/// <see cref="HubDownloader"/> against the stand-in hub: the files the engine needs (and only those) land in
/// huggingface_hub's cache layout, byte-identical to the served model, and the result loads.
/// </summary>
public sealed class HubDownloadTests
{
    [Fact]
    public async Task Every_model_downloads_into_the_huggingface_layout_byte_identical()
    {
        await using var kit = new HubTestKit();
        int i = 0;
        foreach (var dir in HubTestKit.ModelDirectories())
        {
            string repoId = $"test-org/model-{i++}";
            var repo = kit.Serve(repoId, dir);
            string snapshot = await HubDownloader.DownloadModelAsync(repoId, options: kit.Options());

            HubTestKit.AssertLayout(kit.Cache, repoId, repo.Commit, snapshot, dir);
            string repoDir = Path.Combine(kit.Cache, "models--" + repoId.Replace("/", "--"));
            // refs/main holds the commit, without a newline (huggingface_hub reads it verbatim).
            Assert.Equal(repo.Commit, File.ReadAllText(Path.Combine(repoDir, "refs", "main")));
            Assert.DoesNotContain(kit.Hub.Requests, r => HubTestKit.Extras.Keys.Any(e => r.Path.Contains(e.Split('/')[^1], StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Downloaded_model_loads_through_the_engine_by_hub_id()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("test-org/tiny-sharded", Support.TestModels.TinySharded);

        using var engine = await Glm4vEngine.LoadAsync("test-org/tiny-sharded",
            new EngineOptions { Download = true, HubOptions = kit.Options() });

        Assert.Equal(Path.Combine(kit.Cache, "models--test-org--tiny-sharded", "snapshots", repo.Commit), engine.ModelDirectory);
        Assert.True(engine.Model.LayerCount > 0);
    }

    [Fact]
    public async Task Every_fixture_model_loads_after_download()
    {
        await using var kit = new HubTestKit();
        int i = 0;
        foreach (var dir in HubTestKit.ModelDirectories())
        {
            string repoId = $"org/fixture-{i++}";
            kit.Serve(repoId, dir);
            string snapshot = await HubDownloader.DownloadModelAsync(repoId, options: kit.Options());
            using var engine = Glm4vEngine.Load(snapshot);
            using var reference = Glm4vEngine.Load(dir);
            Assert.Equal(reference.Model.LayerCount, engine.Model.LayerCount);
            Assert.Equal(reference.DType, engine.DType);
        }
    }

    [Fact]
    public async Task Second_download_transfers_nothing()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/again", Support.TestModels.TinySharded);
        string first = await HubDownloader.DownloadModelAsync("org/again", options: kit.Options());
        kit.Hub.ClearRequests();

        string second = await HubDownloader.DownloadModelAsync("org/again", options: kit.Options());

        Assert.Equal(first, second);
        var request = Assert.Single(kit.Hub.Requests); // the revision's commit and file list, as huggingface_hub asks too
        Assert.Equal($"/api/models/org/again/revision/main", request.Path);
    }

    [Fact]
    public async Task Revision_by_tag_writes_its_ref_and_by_commit_writes_none()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/tagged", Support.TestModels.TinySharded, tags: "v1.0");
        string repoDir = Path.Combine(kit.Cache, "models--org--tagged");

        string byTag = await HubDownloader.DownloadModelAsync("org/tagged", "v1.0", kit.Options());
        Assert.Equal(Path.Combine(repoDir, "snapshots", repo.Commit), byTag);
        Assert.Equal(repo.Commit, File.ReadAllText(Path.Combine(repoDir, "refs", "v1.0")));
        Assert.False(File.Exists(Path.Combine(repoDir, "refs", "main")));

        using var kit2 = new Support.TempDir();
        var options = kit.Options() with { CacheDirectory = kit2.Path };
        string byCommit = await HubDownloader.DownloadModelAsync("org/tagged", repo.Commit, options);
        Assert.Equal(Path.Combine(kit2.Path, "models--org--tagged", "snapshots", repo.Commit), byCommit);
        Assert.False(Directory.Exists(Path.Combine(kit2.Path, "models--org--tagged", "refs")));
        HubTestKit.AssertLayout(kit2.Path, "org/tagged", repo.Commit, byCommit, Support.TestModels.TinySharded);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Parallel_transfers_stay_within_the_limit(int limit)
    {
        await using var kit = new HubTestKit();
        kit.Serve("org/parallel", Support.TestModels.TinySharded);
        kit.Hub.ChunkDelay = TimeSpan.FromMilliseconds(5); // transfers last long enough to overlap if allowed

        await HubDownloader.DownloadModelAsync("org/parallel", options: kit.Options() with { MaxParallelDownloads = limit });

        Assert.InRange(kit.Hub.MaxConcurrentTransfers, 1, limit);
    }

    [Fact]
    public async Task Progress_reports_every_file_and_ends_at_the_total()
    {
        await using var kit = new HubTestKit();
        string dir = Support.TestModels.TinySharded;
        kit.Serve("org/progress", dir);
        var reports = new ConcurrentQueue<HubDownloadProgress>();

        await HubDownloader.DownloadModelAsync("org/progress", options: kit.Options(), progress: new SyncProgress<HubDownloadProgress>(reports.Enqueue));

        var expected = HubTestKit.ExpectedFiles(dir);
        long total = expected.Sum(f => new FileInfo(Path.Combine(dir, f)).Length);
        Assert.Equal(expected, reports.Select(r => r.File).Distinct().Order(StringComparer.Ordinal));
        foreach (var file in expected)
        {
            var last = reports.Last(r => r.File == file);
            Assert.Equal(new FileInfo(Path.Combine(dir, file)).Length, last.FileBytesDone);
            Assert.Equal(last.FileBytesDone, last.FileBytesTotal);
        }
        Assert.Equal(total, reports.Max(r => r.BytesDone));
        Assert.All(reports, r => Assert.True(r.BytesTotal is null || r.BytesDone <= r.BytesTotal, $"{r.BytesDone} > {r.BytesTotal}"));
        Assert.Equal(total, reports.Last(r => r.BytesTotal is not null).BytesTotal);
    }
}
