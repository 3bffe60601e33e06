using System.Text;
using System.Text.RegularExpressions;

namespace Glm4vSK.Cli.Tests;

/// <summary><c>glm4v chat</c> and <c>glm4v ground</c> end to end on a tiny reference model of the fixture set.</summary>
public sealed partial class ChatTests
{
    [GeneratedRegex(@"\((\d+) prompt tokens, (\d+) generated in \d+ ms")]
    private static partial Regex UsageLine();

    static (int Prompt, int Generated) Usage(CliResult r)
    {
        var m = UsageLine().Match(r.Error);
        Assert.True(m.Success, r.ToString());
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
    }

    [Fact]
    public async Task Chat_about_an_image_answers_and_exits_0()
    {
        string model = FixtureModels.First();
        string? image = FixtureModels.AnyImage(model);
        string[] media = image is null ? [] : ["--image", image];
        var r = await CliRun.RunAsync(["chat", "--model", model, "--demo-tokenizer", .. media, "--max-new-tokens", "4", "What is in this image?"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("loaded ", r.Error);
        var (prompt, generated) = Usage(r);
        Assert.True(prompt > 0, r.ToString());
        Assert.InRange(generated, 1, 4);
        Assert.EndsWith(Environment.NewLine, r.Output);
    }

    [Fact]
    public async Task Sampling_options_under_a_comma_culture_run()
    {
        string model = FixtureModels.First();
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var r = await CliRun.RunAsync("chat", "--model", model, "--demo-tokenizer", "--sample", "--temperature", "0.8", "--top-p", "0.9",
                "--top-k", "20", "--seed", "7", "--max-new-tokens", "3", "hello");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.InRange(Usage(r).Generated, 1, 3);
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = saved; }
    }

    [Fact]
    public async Task Without_a_prompt_it_chats_until_an_empty_line()
    {
        string model = FixtureModels.First();
        var r = await CliRun.RunAsync(["chat", "--model", model, "--demo-tokenizer", "--max-new-tokens", "2", "--system", "Be brief."],
            input: "first question\nsecond question\n\nnever asked\n");
        Assert.True(r.ExitCode == 0, r.ToString());
        // One usage line per answered turn: the empty line ends the chat before the third.
        Assert.Equal(2, UsageLine().Matches(r.Error).Count);
        var turns = UsageLine().Matches(r.Error).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.True(turns[1] > turns[0], "the second turn's prompt holds the first exchange: " + r);
    }

    [Fact]
    public async Task A_model_without_tokenizer_says_to_pass_demo_tokenizer()
    {
        // The model's files without its tokenizer (the tiny reference models ship none; others may).
        string source = FixtureModels.First();
        string model = Directory.CreateTempSubdirectory("glm4v-no-tokenizer-").FullName;
        try
        {
            foreach (var f in Directory.GetFiles(source).Where(f => !Path.GetFileName(f).StartsWith("tokenizer", StringComparison.Ordinal)))
                File.CreateSymbolicLink(Path.Combine(model, Path.GetFileName(f)), f);
            var r = await CliRun.RunAsync("chat", "--model", model, "hello");
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("--demo-tokenizer", r.Error);
        }
        finally { Directory.Delete(model, recursive: true); }
    }

    [Fact]
    public async Task A_reference_case_replays_its_token_ids()
    {
        string model = FixtureModels.First();
        var r = await CliRun.RunAsync("chat", "--model", model, "--case", FixtureModels.AnyCase(model), "--max-new-tokens", "3");
        Assert.True(r.ExitCode == 0, r.ToString());
        var ids = r.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // IgnoreEos: exactly 3 ids per sequence of the case's batch.
        Assert.NotEmpty(ids);
        Assert.Equal(0, ids.Length % 3);
        Assert.All(ids, id => Assert.Matches(@"^(\[\d+\])?\d+$", id));
    }

    [Fact]
    public async Task An_unknown_case_is_a_usage_error_naming_it()
    {
        string model = FixtureModels.First();
        var r = await CliRun.RunAsync("chat", "--model", model, "--case", "no_such_case_" + Guid.NewGuid().ToString("N"), "--max-new-tokens", "3");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--case", r.Error);
    }

    [Fact]
    public async Task A_missing_model_directory_is_exit_code_1_with_the_reason()
    {
        string missing = Path.Combine(Path.GetTempPath(), "glm4v-no-model-" + Guid.NewGuid().ToString("N"), "model");
        var r = await CliRun.RunAsync("chat", "--model", missing, "hello");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains(missing, r.Error);
    }

    [Fact]
    public async Task Ground_draws_the_answer_on_the_image_as_a_png()
    {
        string model = FixtureModels.First();
        string image = FixtureModels.All().Select(FixtureModels.AnyImage).FirstOrDefault(i => i is not null)
            ?? throw new InvalidOperationException("no fixture case has an image");
        string output = Path.Combine(Path.GetTempPath(), $"glm4v-ground-{Guid.NewGuid():N}.png");
        try
        {
            var r = await CliRun.RunAsync("ground", "--model", model, "--demo-tokenizer", "--image", image, "--max-new-tokens", "4", "-o", output, "the cat");
            Assert.True(r.ExitCode == 0, r.ToString());
            byte[] png = File.ReadAllBytes(output);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.Contains(output, r.Error);
        }
        finally { File.Delete(output); }
    }

    [Fact]
    public async Task Cancelling_during_generation_ends_cleanly_with_130()
    {
        string model = FixtureModels.First();
        using var cts = new CancellationTokenSource();
        // Cancel (as Ctrl+C does) as soon as the model is loaded, so generation is what gets cancelled.
        var error = new CancelOnWrite("loaded ", cts);
        var r = await CliRun.RunAsync(["chat", "--model", model, "--demo-tokenizer", "--max-new-tokens", "100000", "hello"], error: error, cancellationToken: cts.Token);
        Assert.True(r.ExitCode == 130, r.ToString());
        Assert.Contains("cancelled", r.Error);
    }

    /// <summary>A writer that cancels once it has been given a line containing <c>marker</c>.</summary>
    sealed class CancelOnWrite(string marker, CancellationTokenSource cts) : StringWriter
    {
        public override void Write(char value)
        {
            base.Write(value);
            if (!cts.IsCancellationRequested && ToString().Contains(marker, StringComparison.Ordinal)) cts.Cancel();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            if (!cts.IsCancellationRequested && ToString().Contains(marker, StringComparison.Ordinal)) cts.Cancel();
        }

        public override Encoding Encoding => Encoding.UTF8;
    }
}

/// <summary>What <c>glm4v ground</c> asks the model.</summary>
public sealed class GroundPromptTests
{
    [Fact]
    public void A_phrase_is_asked_for_as_boxes_and_a_sentence_is_sent_as_written()
    {
        Assert.Contains("the red shoes", Commands.GroundCommand.Prompt("the red shoes"));
        Assert.Contains("[[x1,y1,x2,y2]]", Commands.GroundCommand.Prompt("the red shoes"));
        Assert.Equal("Where is the cat? Answer with a point.", Commands.GroundCommand.Prompt(" Where is the cat? Answer with a point. "));
        Assert.Equal("Where is the cat?", Commands.GroundCommand.Prompt("Where is the cat?"));
    }
}
