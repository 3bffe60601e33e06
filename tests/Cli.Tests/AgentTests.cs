namespace Glm4vSK.Cli.Tests;

/// <summary><c>glm4v agent</c>: the runs reach their executors, and their failures are exit code 1 with the reason.</summary>
public sealed class AgentTests
{
    [Fact]
    public async Task A_phone_run_without_a_reachable_adb_fails_with_the_reason_before_loading_the_model()
    {
        string adb = Path.Combine(Path.GetTempPath(), $"glm4v-no-adb-{Guid.NewGuid():N}");
        var r = await CliRun.RunAsync("agent", "phone", "--adb", adb, "--model", FixtureModels.First(), "--demo-tokenizer", "Open the settings");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.StartsWith("error: ", r.Error);
        Assert.DoesNotContain("loaded ", r.Error);
    }
}
