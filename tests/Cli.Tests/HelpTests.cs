using System.CommandLine;
using Glm4vSK.Cli.Hosting;

namespace Glm4vSK.Cli.Tests;

/// <summary>Every command of the tree answers --help with its usage and exit code 0.</summary>
public sealed class HelpTests
{
    /// <summary>Every command path of the tree (found by walking it, so a new command is covered without a new test).</summary>
    public static TheoryData<string[]> Commands() => new(Paths());

    static List<string[]> Paths()
    {
        var paths = new List<string[]>();
        void Walk(Command command, string[] path)
        {
            paths.Add(path);
            foreach (var sub in command.Subcommands) Walk(sub, [.. path, sub.Name]);
        }
        Walk(Glm4vCli.Create(new CliContext(TextWriter.Null, TextWriter.Null, TextReader.Null)), []);
        return paths;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_exits_0_with_the_usage_of_the_command(string[] path)
    {
        var r = await CliRun.RunAsync([.. path, "--help"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Usage:", r.Output);
        Assert.Contains(string.Join(' ', ["glm4v", .. path]), r.Output);
    }

    [Fact]
    public void The_tree_has_the_commands_the_readme_names()
    {
        var names = Paths().Select(p => string.Join(' ', p)).ToHashSet();
        foreach (var expected in new[] { "download", "chat", "ground", "agent web", "agent desktop", "agent phone", "bench" })
            Assert.Contains(expected, names);
    }
}
