using Glm4vSK.LocalEngine.Tests.Support;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// <see cref="ModelLocator"/>: directories are returned as full paths; hub ids resolve in a local Hugging Face cache
/// laid out as <c>models--org--name/refs/main</c> + <c>snapshots/&lt;rev&gt;/</c>; nothing is downloaded. The cache is
/// found through HF_HUB_CACHE / HF_HOME, which these tests set: they run in a non-parallel collection and restore
/// the variables afterwards.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class ModelLocatorTests
{
    /// <summary>Creates <c>models--{org}--{name}</c> with the given snapshots (oldest first) and refs/main.</summary>
    static string FakeRepo(string cache, string org, string name, string? refMain, params string[] snapshots)
    {
        string repo = Path.Combine(cache, $"models--{org}--{name}");
        var time = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var rev in snapshots)
        {
            string snap = Directory.CreateDirectory(Path.Combine(repo, "snapshots", rev)).FullName;
            File.WriteAllText(Path.Combine(snap, "config.json"), "{}");
            Directory.SetLastWriteTimeUtc(snap, time);
            time = time.AddDays(1);
        }
        if (refMain is not null)
        {
            Directory.CreateDirectory(Path.Combine(repo, "refs"));
            File.WriteAllText(Path.Combine(repo, "refs", "main"), refMain + "\n");
        }
        return repo;
    }

    [Fact]
    public void Directory_is_returned_as_a_full_path()
    {
        using var tmp = new TempDir();
        string dir = tmp.Sub("some model", create: true);
        Assert.Equal(dir, ModelLocator.Resolve(dir));
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, dir);
        Assert.False(Path.IsPathRooted(relative));
        Assert.Equal(dir, ModelLocator.Resolve(relative));
        string dotted = ModelLocator.Resolve(dir + Path.DirectorySeparatorChar + "." + Path.DirectorySeparatorChar);
        Assert.Equal(dir, Path.TrimEndingDirectorySeparator(dotted));
    }

    [Fact]
    public void Hub_id_resolves_to_the_refs_main_snapshot()
    {
        using var tmp = new TempDir();
        string cache = tmp.Sub("hub", create: true);
        // refs/main names the older snapshot: it must win over the newer one.
        string repo = FakeRepo(cache, "zai-org", "GLM-4.1V-9B-Thinking", refMain: "3c1471e51dc8", "3c1471e51dc8", "ffffffffffff");
        using var env = new EnvironmentVariableScope().Set("HF_HUB_CACHE", cache).Set("HF_HOME", null);

        Assert.Equal(cache, ModelLocator.HubCacheDirectory());
        Assert.Equal(Path.Combine(repo, "snapshots", "3c1471e51dc8"), ModelLocator.Resolve("zai-org/GLM-4.1V-9B-Thinking"));
    }

    [Theory]
    [InlineData(null)]          // no refs/main
    [InlineData("deadbeef")]    // refs/main names a snapshot that is not there
    [InlineData("")]            // empty refs/main
    public void Without_a_usable_refs_main_the_newest_snapshot_is_used(string? refMain)
    {
        using var tmp = new TempDir();
        string cache = tmp.Sub("hub", create: true);
        string repo = FakeRepo(cache, "org", "name", refMain, "aaa", "ccc", "bbb"); // bbb is written last
        using var env = new EnvironmentVariableScope().Set("HF_HUB_CACHE", cache);

        Assert.Equal(Path.Combine(repo, "snapshots", "bbb"), ModelLocator.Resolve("org/name"));
    }

    [Fact]
    public void HF_HOME_hub_is_the_cache_when_HF_HUB_CACHE_is_unset()
    {
        using var tmp = new TempDir();
        string home = tmp.Sub("hf-home", create: true);
        string repo = FakeRepo(Path.Combine(home, "hub"), "org", "m.v2", refMain: "r1", "r1");
        using var env = new EnvironmentVariableScope().Set("HF_HUB_CACHE", null).Set("HF_HOME", home);

        Assert.Equal(Path.Combine(home, "hub"), ModelLocator.HubCacheDirectory());
        Assert.Equal(Path.Combine(repo, "snapshots", "r1"), ModelLocator.Resolve("org/m.v2"));
    }

    [Fact]
    public void Default_cache_is_under_the_user_profile()
    {
        using var env = new EnvironmentVariableScope().Set("HF_HUB_CACHE", null).Set("HF_HOME", null)
            .Set("HUGGINGFACE_HUB_CACHE", null).Set("XDG_CACHE_HOME", null);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), ModelLocator.HubCacheDirectory());
    }

    [Fact]
    public void Relative_HF_HUB_CACHE_still_gives_a_full_path()
    {
        using var tmp = new TempDir();
        string cache = tmp.Sub("hub", create: true);
        string repo = FakeRepo(cache, "org", "name", refMain: "r1", "r1");
        using var env = new EnvironmentVariableScope().Set("HF_HUB_CACHE", Path.GetRelativePath(Environment.CurrentDirectory, cache));

        string resolved = ModelLocator.Resolve("org/name");
        Assert.True(Path.IsPathFullyQualified(resolved), $"'{resolved}' is not a full path");
        Assert.Equal(Path.Combine(repo, "snapshots", "r1"), resolved);
    }

    [Fact]
    public void Unknown_hub_id_says_nothing_is_downloaded()
    {
        using var tmp = new TempDir();
        string cache = tmp.Sub("hub", create: true);
        FakeRepo(cache, "org", "other", refMain: "r1", "r1");
        Directory.CreateDirectory(Path.Combine(cache, "models--org--empty", "snapshots")); // repo without any snapshot
        using var env = new EnvironmentVariableScope().Set("HF_HUB_CACHE", cache);

        foreach (var id in new[] { "org/missing", "org/empty" })
        {
            var e = Assert.Throws<Glm4vException>(() => ModelLocator.Resolve(id));
            Assert.Contains(id, e.Message);
            Assert.Contains(cache, e.Message);
            Assert.Contains("does not download", e.Message);
            Assert.Contains("EngineOptions.Download", e.Message); // the opt-in that would fetch it
        }
    }

    [Theory]
    [InlineData("/nonexistent/glm4v/model")]
    [InlineData("not-a-hub-id")]
    [InlineData("a/b/c")]
    public void Missing_directory_that_is_not_a_hub_id_is_reported(string path)
    {
        var e = Assert.Throws<Glm4vException>(() => ModelLocator.Resolve(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_name_is_an_argument_error(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => ModelLocator.Resolve(name));
    }

    [Fact]
    public void Engine_loads_a_model_by_hub_id_from_the_cache()
    {
        using var tmp = new TempDir();
        string cache = tmp.Sub("hub", create: true);
        string repo = FakeRepo(cache, "test-org", "glm4v-tiny", refMain: "abc123", "abc123");
        string snapshot = Path.Combine(repo, "snapshots", "abc123");
        foreach (var f in Directory.GetFiles(TestModels.TinySharded))
            File.Copy(f, Path.Combine(snapshot, Path.GetFileName(f)), overwrite: true);
        using var env = new EnvironmentVariableScope().Set("HF_HUB_CACHE", cache);

        using var engine = Glm4vEngine.Load("test-org/glm4v-tiny");
        Assert.Equal(snapshot, engine.ModelDirectory);
        Assert.Equal(2, engine.Model.LayerCount);
    }
}
