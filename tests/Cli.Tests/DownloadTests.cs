namespace Glm4vSK.Cli.Tests;

/// <summary><c>glm4v download</c> and <c>chat --download</c> against the stand-in hub on 127.0.0.1 (HF_* variables set per test).</summary>
[Collection(nameof(HubEnvironment))]
public sealed class DownloadTests : IAsyncDisposable
{
    static readonly string[] Variables = ["HF_ENDPOINT", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HOME", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HUB_OFFLINE"];

    readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    readonly string _root = Directory.CreateTempSubdirectory("glm4v-cli-hub-").FullName;
    readonly StandInHub _hub = new();

    public DownloadTests()
    {
        foreach (var v in Variables) Environment.SetEnvironmentVariable(v, null);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", _hub.Endpoint);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", Cache);
        // No token of this machine may leak into the requests: an empty token file.
        File.WriteAllText(Path.Combine(_root, "token"), "");
        Environment.SetEnvironmentVariable("HF_TOKEN_PATH", Path.Combine(_root, "token"));
    }

    string Cache => Path.Combine(_root, "hub");

    public async ValueTask DisposeAsync()
    {
        foreach (var (k, v) in _saved) Environment.SetEnvironmentVariable(k, v);
        await _hub.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Download_prints_the_snapshot_directory_as_the_last_line()
    {
        string model = FixtureModels.First();
        var repo = _hub.AddRepo("stand-in/tiny-model", StandInHub.FilesOf(model));
        var r = await CliRun.RunAsync("download", repo.Id);
        Assert.True(r.ExitCode == 0, r.ToString());
        string last = r.Output.TrimEnd('\n', '\r').Split('\n')[^1];
        Assert.Equal(Path.Combine(Path.GetFullPath(Cache), "models--stand-in--tiny-model", "snapshots", repo.Commit), last);
        Assert.Equal(File.ReadAllBytes(Path.Combine(model, "config.json")), File.ReadAllBytes(Path.Combine(last, "config.json")));
        // Plain progress lines (not a terminal): one per file, on stderr only.
        Assert.Contains("config.json", r.Error);
    }

    [Fact]
    public async Task On_a_terminal_the_progress_is_a_bar_and_the_last_line_is_still_the_snapshot()
    {
        var repo = _hub.AddRepo("stand-in/bar-model", StandInHub.FilesOf(FixtureModels.First()));
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new Hosting.CliContext(output, error, TextReader.Null) { ErrorIsTerminal = true };
        int code = await Glm4vCli.InvokeAsync(["download", repo.Id], context);
        Assert.True(code == 0, error.ToString());
        Assert.Equal(Path.Combine(Path.GetFullPath(Cache), "models--stand-in--bar-model", "snapshots", repo.Commit), output.ToString().TrimEnd('\n', '\r').Split('\n')[^1]);
        Assert.Contains("\u001b[", error.ToString());   // drawn with ANSI sequences, not the plain per-file lines
        Assert.Contains(repo.Id, error.ToString());
    }

    [Fact]
    public async Task Download_of_an_unknown_repo_fails_with_the_reason()
    {
        var r = await CliRun.RunAsync("download", "stand-in/no-such-model");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("stand-in/no-such-model", r.Error);
        Assert.Empty(r.Output);
    }

    [Fact]
    public async Task Download_of_a_gated_repo_without_token_says_to_set_HF_TOKEN()
    {
        var repo = _hub.AddRepo("stand-in/gated", StandInHub.FilesOf(FixtureModels.First()), requiredToken: "hf_secret");
        var denied = await CliRun.RunAsync("download", repo.Id);
        Assert.True(denied.ExitCode == 1, denied.ToString());
        Assert.Contains("HF_TOKEN", denied.Error);

        Environment.SetEnvironmentVariable("HF_TOKEN", "hf_secret");
        var allowed = await CliRun.RunAsync("download", repo.Id);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
    }

    [Fact]
    public async Task Chat_with_download_fetches_a_missing_model_then_answers()
    {
        string model = FixtureModels.First();
        var repo = _hub.AddRepo("stand-in/chat-model", StandInHub.FilesOf(model));
        var missing = await CliRun.RunAsync("chat", "--model", repo.Id, "--demo-tokenizer", "--max-new-tokens", "2", "hello");
        Assert.True(missing.ExitCode == 1, missing.ToString());
        Assert.Contains($"glm4v download {repo.Id}", missing.Error);

        var r = await CliRun.RunAsync("chat", "--model", repo.Id, "--download", "--demo-tokenizer", "--max-new-tokens", "2", "hello");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("loaded ", r.Error);
        Assert.True(Directory.Exists(Path.Combine(Cache, "models--stand-in--chat-model", "snapshots", repo.Commit)));
    }
}
