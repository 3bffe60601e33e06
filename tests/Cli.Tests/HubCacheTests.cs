namespace Glm4vSK.Cli.Tests;

/// <summary>Tests that set HF_* variables: they run one at a time, apart from the others.</summary>
[CollectionDefinition(nameof(HubEnvironment), DisableParallelization = true)]
public sealed class HubEnvironment;

/// <summary>A hub id that is not in the cache is an error that says how to download it.</summary>
[Collection(nameof(HubEnvironment))]
public sealed class HubCacheTests
{
    [Fact]
    public async Task A_hub_id_missing_from_the_cache_says_to_run_glm4v_download()
    {
        string cache = Directory.CreateTempSubdirectory("glm4v-empty-hub-").FullName;
        string? saved = Environment.GetEnvironmentVariable("HF_HUB_CACHE");
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", cache);
        try
        {
            var r = await CliRun.RunAsync("chat", "--model", "example-org/Missing-Model", "hello");
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("glm4v download example-org/Missing-Model", r.Error);
            Assert.Contains("--download", r.Error);
            Assert.Empty(Directory.GetFileSystemEntries(cache));
        }
        finally
        {
            Environment.SetEnvironmentVariable("HF_HUB_CACHE", saved);
            Directory.Delete(cache, recursive: true);
        }
    }
}
