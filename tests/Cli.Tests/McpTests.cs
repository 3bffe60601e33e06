using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Glm4vSK.Cli.Tests;

/// <summary>
/// <c>glm4v mcp</c>: the GUI agent served as the MCP tool <c>operate(task)</c> over stdio, driven by the SDK's own
/// client that starts the command line as a child process (stdout carries only the protocol).
/// </summary>
public sealed class McpTests
{
    /// <summary>The glm4v executable's assembly, beside its runtimeconfig (started with <c>dotnet</c>).</summary>
    static string CliAssembly()
    {
        string dll = typeof(Glm4vCli).Assembly.Location;
        Assert.True(File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")), $"no runtimeconfig beside {dll}");
        return dll;
    }

    [Fact]
    public async Task Mcp_web_serves_operate_over_stdio_and_a_call_returns_status_steps_and_the_report()
    {
        string reports = Path.Combine(Path.GetTempPath(), "glm4v-mcp-cli-" + Guid.NewGuid().ToString("N"));
        var stderr = new List<string>();
        try
        {
            var transport = new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "glm4v",
                Command = "dotnet",
                // The built-in demo shop on 127.0.0.1; the tiny model's short context ends the run, which still reports.
                Arguments = [CliAssembly(), "mcp", "web", "--model", FixtureModels.First(), "--demo-tokenizer",
                             "--max-steps", "1", "--max-new-tokens", "8", "--report", reports],
                StandardErrorLines = line => { lock (stderr) stderr.Add(line); },
            });
            await using var client = await McpClient.CreateAsync(transport);

            Assert.Equal("glm4v-gui-agent", client.ServerInfo?.Name);
            var tool = Assert.Single(await client.ListToolsAsync());
            Assert.Equal("operate", tool.Name);
            var result = await client.CallToolAsync("operate", new Dictionary<string, object?> { ["task"] = "Add the red shoes to the cart" });

            var json = JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text)!;
            Assert.False(string.IsNullOrEmpty((string?)json["status"]), json.ToJsonString());
            Assert.Equal(1, (int)json["steps"]!);
            string report = (string)json["report"]!;
            Assert.True(Path.IsPathRooted(report) && report.StartsWith(reports, StringComparison.Ordinal), report);
            Assert.True(File.Exists(report), report);
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(report)!, "trace.json")));
        }
        finally
        {
            if (Directory.Exists(reports)) Directory.Delete(reports, recursive: true);
        }
        lock (stderr) Assert.Contains(stderr, l => l.Contains("serving the GUI agent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mcp_targets_take_no_task_argument()
    {
        var r = await CliRun.RunAsync("mcp", "web", "--model", FixtureModels.First(), "--demo-tokenizer", "Open the settings");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("Open the settings", r.Error);
    }

    [Fact]
    public async Task Mcp_phone_without_a_reachable_adb_fails_with_the_reason_before_serving()
    {
        string adb = Path.Combine(Path.GetTempPath(), $"glm4v-no-adb-{Guid.NewGuid():N}");
        var r = await CliRun.RunAsync("mcp", "phone", "--adb", adb, "--model", FixtureModels.First(), "--demo-tokenizer");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.StartsWith("error: ", r.Error);
        Assert.Empty(r.Output);
    }
}
