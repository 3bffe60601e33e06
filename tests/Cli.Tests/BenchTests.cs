namespace Glm4vSK.Cli.Tests;

/// <summary><c>glm4v bench</c> runs the engine benchmark's measurement code and prints its Markdown report.</summary>
public sealed class BenchTests
{
    [Fact]
    public async Task The_quick_per_op_part_prints_the_report_on_stdout()
    {
        // Only the per-op section: the model sections take minutes. No --threads: libtorch refuses a new thread count
        // once other tests in this process have run parallel work.
        var r = await CliRun.RunAsync("bench", "--quick", "--skip-tiny", "--skip-medium", "--skip-moe");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("# Glm4vSK engine benchmarks", r.Output);
        Assert.Contains("| — | fp32 | trivial op [1,64] x + y", r.Output);
        Assert.Contains("trivial op", r.Error);
    }
}
