using Glm4vSK.LocalEngine.Hub;
using Glm4vSK.LocalEngine.Tests.Support;

namespace Glm4vSK.LocalEngine.Tests.Hub;

/// <summary>
/// The HF_* variables as huggingface_hub reads them: HF_ENDPOINT, HF_TOKEN (else the token file under HF_HOME or
/// HF_TOKEN_PATH), HF_HUB_CACHE / HF_HOME, HF_HUB_OFFLINE; and the engine's opt-in download through them.
/// Process-wide variables: these tests run alone.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class HubEnvironmentTests
{
    static readonly string[] Variables =
        ["HF_ENDPOINT", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HUB_OFFLINE", "XDG_CACHE_HOME"];

    static EnvironmentVariableScope Cleared()
    {
        var scope = new EnvironmentVariableScope();
        foreach (var v in Variables) scope.Set(v, null);
        // Never this machine's own token file (~/.cache/huggingface/token): a test must not read or send it.
        scope.Set("HF_TOKEN_PATH", Path.Combine(Path.GetTempPath(), "glm4vsk-no-such-token-" + Guid.NewGuid().ToString("N")));
        return scope;
    }

    [Fact]
    public void Defaults_match_huggingface_hub()
    {
        using var env = Cleared();
        string home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface");
        var o = HubOptions.FromEnvironment();
        Assert.Equal("https://huggingface.co", o.Endpoint);
        Assert.Equal(Path.Combine(home, "hub"), o.CacheDirectory);
        Assert.False(o.Offline);
        Assert.Equal(4, o.MaxParallelDownloads);
        Assert.Equal(3, o.MaxRetries);
    }

    [Fact]
    public void Variables_are_read_like_huggingface_hub()
    {
        using var tmp = new TempDir();
        using var env = Cleared();
        string home = tmp.Sub("hf-home", create: true);
        File.WriteAllText(Path.Combine(home, "token"), "hf_from_file\n");
        env.Set("HF_HOME", home).Set("HF_TOKEN_PATH", null).Set("HF_ENDPOINT", "http://mirror.example/").Set("HF_HUB_OFFLINE", "yes");

        var o = HubOptions.FromEnvironment();
        Assert.Equal("http://mirror.example", o.Endpoint);
        Assert.Equal(Path.Combine(home, "hub"), o.CacheDirectory);
        Assert.Equal("hf_from_file", o.Token);
        Assert.True(o.Offline);

        env.Set("HF_TOKEN", "hf_from_env").Set("HF_HUB_CACHE", tmp.Sub("cache")).Set("HF_HUB_OFFLINE", "0");
        o = HubOptions.FromEnvironment();
        Assert.Equal("hf_from_env", o.Token);
        Assert.Equal(tmp.Sub("cache"), o.CacheDirectory);
        Assert.False(o.Offline);

        env.Set("HF_TOKEN", null).Set("HF_TOKEN_PATH", Path.Combine(home, "other-token"));
        File.WriteAllText(Path.Combine(home, "other-token"), "hf_other");
        Assert.Equal("hf_other", HubOptions.FromEnvironment().Token);
    }

    [Fact]
    public async Task Download_with_only_the_environment_uses_HF_ENDPOINT_HF_TOKEN_and_HF_HUB_CACHE()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/env-gated", TestModels.TinySharded, requiredToken: "hf_env");
        using var env = Cleared();
        env.Set("HF_ENDPOINT", kit.Hub.Endpoint).Set("HF_HUB_CACHE", kit.Cache).Set("HF_TOKEN", "hf_env");

        string snapshot = await HubDownloader.DownloadModelAsync("org/env-gated");

        HubTestKit.AssertLayout(kit.Cache, "org/env-gated", repo.Commit, snapshot, TestModels.TinySharded);
        // The engine's locator finds it afterwards through refs/main, without downloading.
        Assert.Equal(snapshot, ModelLocator.Resolve("org/env-gated"));
    }

    [Fact]
    public async Task Engine_downloads_only_when_asked_and_the_error_names_the_opt_in()
    {
        await using var kit = new HubTestKit();
        var repo = kit.Serve("org/opt-in", TestModels.TinySharded);
        using var env = Cleared();
        env.Set("HF_ENDPOINT", kit.Hub.Endpoint).Set("HF_HUB_CACHE", kit.Cache);

        var e = await Assert.ThrowsAsync<Glm4vException>(() => Glm4vEngine.LoadAsync("org/opt-in"));
        Assert.Contains("EngineOptions.Download", e.Message);
        Assert.Empty(kit.Hub.Requests);

        using var engine = Glm4vEngine.Load("org/opt-in", new EngineOptions { Download = true });
        Assert.Equal(Path.Combine(kit.Cache, "models--org--opt-in", "snapshots", repo.Commit), engine.ModelDirectory);
    }
}
