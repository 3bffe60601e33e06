namespace Glm4vSK.Cli.Tests;

/// <summary>A wrong command line ends with exit code 2 and a message naming the option, before anything is loaded.</summary>
public sealed class ParseErrorTests
{
    public static TheoryData<string[]> EveryCommand => new()
    {
        { ["download", "org/name"] },
        { ["chat", "--model", "m"] },
        { ["ground", "--model", "m", "-o", "out.png", "query"] },
        { ["agent", "web", "--model", "m", "task"] },
        { ["agent", "desktop", "--model", "m", "task"] },
        { ["agent", "phone", "--model", "m", "task"] },
        { ["bench"] },
    };

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public async Task An_unknown_option_is_exit_code_2_naming_it(string[] command)
    {
        var r = await CliRun.RunAsync([.. command, "--no-such-option", "4"]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--no-such-option", r.Error);
        Assert.Empty(r.Output);
    }

    [Fact]
    public async Task A_mistyped_option_does_not_slip_into_the_prompt()
    {
        // The example: --max-new-token (no s) used to be ignored and 256 tokens generated.
        var r = await CliRun.RunAsync("chat", "--model", "m", "--max-new-token", "4", "What is in this image?");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--max-new-token'", r.Error);
    }

    [Theory]
    [InlineData("--max-new-tokens", "abc")]
    [InlineData("--max-new-tokens", "0")]
    [InlineData("--max-new-tokens", "1.5")]
    [InlineData("--temperature", "warm")]
    [InlineData("--temperature", "-1")]
    [InlineData("--temperature", "NaN")]
    [InlineData("--top-p", "1.5")]
    [InlineData("--top-k", "-3")]
    [InlineData("--seed", "x")]
    [InlineData("--max-pixels", "1e3")]
    [InlineData("--dtype", "int8")]
    [InlineData("--device", "tpu")]
    public async Task A_bad_value_is_exit_code_2_naming_the_option(string option, string value)
    {
        var r = await CliRun.RunAsync("chat", "--model", "m", option, value, "hello");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(option, r.Error);
        Assert.Contains(value, r.Error);
    }

    [Theory]
    [InlineData("agent", "web", "--protocol", "web99")]
    [InlineData("agent", "phone", "--lang", "fr")]
    [InlineData("agent", "desktop", "--max-steps", "many")]
    [InlineData("agent", "web", "--step-timeout", "0")]
    [InlineData("bench", "--threads", "0")]
    [InlineData("bench", "--wait-quiet", "soon")]
    public async Task Bad_values_of_the_other_commands_are_exit_code_2(params string[] args)
    {
        string option = args[^2];
        string[] full = args[0] == "agent" ? [.. args, "--model", "m", "task"] : args;
        var r = await CliRun.RunAsync(full);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(option, r.Error);
    }

    [Theory]
    [InlineData("--model", "chat")]
    [InlineData("--model", "ground", "-o", "out.png", "--image", "MISSING_IMAGE", "query")]
    [InlineData("--output", "ground", "--model", "m", "--image", "MISSING_IMAGE", "query")]
    [InlineData("repo-id", "download")]
    [InlineData("task", "agent", "web", "--model", "m")]
    public async Task A_missing_required_part_is_exit_code_2_naming_it(string missing, params string[] args)
    {
        var r = await CliRun.RunAsync(args);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(missing, r.Error);
    }

    [Fact]
    public async Task A_missing_image_file_is_a_usage_error_naming_the_file()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"glm4v-no-such-{Guid.NewGuid():N}.png");
        var r = await CliRun.RunAsync("chat", "--model", "m", "--image", missing, "hello");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--image", r.Error);
        Assert.Contains(missing, r.Error);
    }

    [Fact]
    public async Task No_command_is_a_usage_error()
    {
        var r = await CliRun.RunAsync();
        Assert.True(r.ExitCode == 2, r.ToString());
    }

    [Theory]
    [InlineData("web")]
    [InlineData("desktop")]
    [InlineData("phone")]
    public async Task An_agent_needs_exactly_one_of_model_and_endpoint(string target)
    {
        var none = await CliRun.RunAsync("agent", target, "task");
        Assert.True(none.ExitCode == 2, none.ToString());
        Assert.Contains("--model", none.Error);
        Assert.Contains("--endpoint", none.Error);

        var both = await CliRun.RunAsync("agent", target, "--model", "m", "--endpoint", "http://127.0.0.1:9/v1", "--api-model", "x", "task");
        Assert.True(both.ExitCode == 2, both.ToString());

        var noName = await CliRun.RunAsync("agent", target, "--endpoint", "http://127.0.0.1:9/v1", "task");
        Assert.True(noName.ExitCode == 2, noName.ToString());
        Assert.Contains("--api-model", noName.Error);
    }

    [Fact]
    public async Task A_repo_id_that_is_not_org_slash_name_is_a_usage_error()
    {
        var r = await CliRun.RunAsync("download", "not a repo");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("repo-id", r.Error);
    }
}
