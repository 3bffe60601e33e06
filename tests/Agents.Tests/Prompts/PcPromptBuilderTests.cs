using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Screens;
using Glm4vSK.Agents.Tests.Support;
using Microsoft.Extensions.AI;
using static Glm4vSK.Agents.Tests.Prompts.PromptTestKit;

namespace Glm4vSK.Agents.Tests.Prompts;

/// <summary>GLM-4.1V / GLM-4.5V desktop (OSWorld) prompts (earlier screenshots: at most 4, halved).</summary>
public sealed class PcPromptBuilderTests
{
    /// <summary>n steps with distinct screenshots (shade 10·(i+1)) of <paramref name="w"/>×<paramref name="h"/> and distinct memories.</summary>
    private static List<GuiHistoryStep> History(int n, int w = 64, int h = 40) =>
        Enumerable.Range(0, n).Select(i => Step(i, GuiProtocol.GlmVPc,
            $"Explanation {i}. <|begin_of_box|>left_click(start_box='[{100 + i},{200 + i}]', element_info='b{i}')<|end_of_box|>\nMemory:\n[{{\"step\": {i}}}]",
            new GuiObservation(Png(w, h, (byte)(10 * (i + 1)))))).ToList();

    // ------------------------------------------------------------------ GLM-4.1V

    [Fact]
    public void Glm41_sends_current_full_size_first_then_the_last_four_halved_oldest_first_then_text()
    {
        var history = History(6, 1280, 800);
        var message = SingleUser(new Glm41VPcPromptBuilder().Build(Context(Png(1280, 800, 250), history)));

        Assert.Equal(6, message.Contents.Count);
        Assert.Equal((1280, 800, (byte)250), Inspect(message.Contents[0]));
        // Steps 3..6 (indices 2..5), each (w//2, h//2).
        for (int k = 0; k < 4; k++) Assert.Equal((640, 400, (byte)(10 * (k + 3))), Inspect(message.Contents[1 + k]));
        var text = Assert.IsType<TextContent>(message.Contents[5]).Text;
        Assert.EndsWith(
            "\nMemory:\n[{\"step\": 5}]\nNote: You will also see 4 recent historical screenshots (50% scaled) showing the screen before each of your last 4 actions, in chronological order (oldest first), to help you follow what your earlier actions did.",
            text);
    }

    [Fact]
    public void Glm41_with_fewer_steps_sends_that_many_images_and_halves_odd_sizes_down()
    {
        var history = History(2, 1281, 801);
        var message = SingleUser(new Glm41VPcPromptBuilder().Build(Context(Png(1281, 801, 250), history)));
        Assert.Equal(4, message.Contents.Count);
        Assert.Equal((1281, 801, (byte)250), Inspect(message.Contents[0]));
        Assert.Equal((640, 400, (byte)10), Inspect(message.Contents[1]));
        Assert.Equal((640, 400, (byte)20), Inspect(message.Contents[2]));
        Assert.Contains("\nNote: You will also see 2 recent historical screenshots (50% scaled)", Text(message));
    }

    [Fact]
    public void Glm41_first_step_has_one_image_and_no_history_note()
    {
        var message = SingleUser(new Glm41VPcPromptBuilder().Build(Context(Png(64, 40, 9), task: "Mirror the figure")));
        Assert.Equal(2, message.Contents.Count);
        Assert.IsType<DataContent>(message.Contents[0]);
        string text = Assert.IsType<TextContent>(message.Contents[1]).Text;
        Assert.EndsWith("Now Please help me to solve the following task:\nMirror the figure\nHistory actions:\nMemory:\n[]", text);
        Assert.DoesNotContain("Note:", text);
    }

    [Fact]
    public void Glm41_action_space_and_output_format_are_exact()
    {
        string text = Text(SingleUser(new Glm41VPcPromptBuilder().Build(Context(Png(64, 40, 9)))));
        // The action space, verbatim lines from the prompt, each followed by a '# comment' line.
        string[] lines =
        [
            "left_click(start_box='[x,y]', element_info='')",
            "right_click(start_box='[x,y]', element_info='')",
            "middle_click(start_box='[x,y]', element_info='')",
            "hover(start_box='[x,y]', element_info='')",
            "left_double_click(start_box='[x,y]', element_info='')",
            "left_drag(start_box='[x1,y1]', end_box='[x2,y2]', element_info='')",
            "key(keys='')",
            "type(content='')",
            "scroll(start_box='[x,y]', direction='down/up', step=k, element_info='')",
            "WAIT()",
            "DONE()",
            "FAIL()",
        ];
        InOrder(text, lines.Select(l => "\n" + l + "\n# ").ToArray());
        InOrder(text,
            "The actions you output must be in the following action space:\n",
            "Output Format:\nPlain text explanation with action(param='...')\nMemory:\n[{\"user_email\": \"x@gmail.com\", ...}]\n",
            "Here are some helpful tips:\n",
            "Now Please help me to solve the following task:\n");
    }

    [Fact]
    public void Glm41_history_is_explanation_then_action_per_step_with_the_latest_memory()
    {
        var history = new[]
        {
            Step(0, GuiProtocol.GlmVPc, Fixture("A-pc-left_click-docs")),
            Step(1, GuiProtocol.GlmVPc, Fixture("A-pc-type")),
            Step(2, GuiProtocol.GlmVPc, Fixture("A-pc-right_click")),
        };
        string text = Text(SingleUser(new Glm41VPcPromptBuilder().Build(Context(Png(64, 40, 9), history))));
        // GLM-4.1V PC history: "History actions:" + "\nstep {i+1}: {action}" + "\nMemory:\n" + memory; the doc's step text is the
        // explanation followed by the call on its own line, box markers removed.
        Assert.Contains(
            "History actions:" +
            "\nstep 1: I'm now on the Google Shopping homepage. To start this search, I need to click on the search box in the center of the screen.\nleft_click(start_box='[376,465]')" +
            "\nstep 2: The search box is focused. I'll type the search terms.\ntype(content='drip coffee maker black')" +
            "\nstep 3: I need the context menu of the file to rename it.\nright_click(start_box='[412, 388]', element_info='report.odt')" +
            "\nMemory:\n[{\"file\": \"report.odt\"}]\nNote: You will also see 3 recent",
            text);
        Assert.DoesNotContain("<|begin_of_box|>", text);
        Assert.DoesNotContain("<think>", text);
    }

    // ------------------------------------------------------------------ GLM-4.5V

    [Fact]
    public void Glm45_interleaves_history_screenshots_and_puts_the_current_one_last()
    {
        var history = History(6, 1280, 800);
        var contents = SingleUser(new Glm45VPcPromptBuilder().Build(Context(Png(1280, 800, 250), history))).Contents;

        // text, (image, text) × 4, image.
        Assert.Equal(10, contents.Count);
        for (int i = 0; i < 10; i++)
        {
            if (i % 2 == 0) Assert.IsType<TextContent>(contents[i]);
            else Assert.IsType<DataContent>(contents[i]);
        }
        for (int k = 0; k < 4; k++) Assert.Equal((640, 400, (byte)(10 * (k + 3))), Inspect(contents[1 + 2 * k]));
        Assert.Equal((1280, 800, (byte)250), Inspect(contents[9]));

        string head = ((TextContent)contents[0]).Text;
        // GLM-4.5V PC: older steps "\nstep {k}: Screenshot:(Omitted in context.) Thought: {t}\nAction: {a}".
        Assert.EndsWith(
            "History:" +
            "\nstep 1: Screenshot:(Omitted in context.) Thought: Explanation 0.\nAction: left_click(start_box='[100,200]', element_info='b0')" +
            "\nstep 2: Screenshot:(Omitted in context.) Thought: Explanation 1.\nAction: left_click(start_box='[101,201]', element_info='b1')" +
            "\nstep 3: Screenshot:",
            head);
        for (int k = 0; k < 3; k++)
        {
            string between = ((TextContent)contents[2 + 2 * k]).Text;
            Assert.Equal($" Thought: Explanation {k + 2}.\nAction: left_click(start_box='[{102 + k},{202 + k}]', element_info='b{k + 2}')\nstep {k + 4}: Screenshot:", between);
        }
        string tail = ((TextContent)contents[8]).Text;
        Assert.StartsWith(" Thought: Explanation 5.\nAction: left_click(start_box='[105,205]', element_info='b5')" +
                          "\nMemory:\n[{\"step\": 5}]\n# Output Format\nPlain text explanation with action(param='...')\nMemory:\n[{\"key\": \"value\"}, ...]\n\n# Some Additional Notes\n- ", tail);
        Assert.EndsWith("\n\nCurrent Screenshot:\n", tail);
        Assert.Equal(2, Count(string.Concat(contents.OfType<TextContent>().Select(t => t.Text)), "(Omitted in context.)"));
        Assert.DoesNotContain("[{\"step\": 4}]", tail);
    }

    [Fact]
    public void Glm45_with_few_steps_omits_nothing_and_first_step_is_text_then_image()
    {
        var two = SingleUser(new Glm45VPcPromptBuilder().Build(Context(Png(64, 40, 250), History(2)))).Contents;
        Assert.Equal(6, two.Count);
        Assert.Equal((32, 20, (byte)10), Inspect(two[1]));
        Assert.Equal((32, 20, (byte)20), Inspect(two[3]));
        Assert.Equal((64, 40, (byte)250), Inspect(two[5]));
        Assert.DoesNotContain("Omitted", Text(new ChatMessage(ChatRole.User, two)));

        var first = SingleUser(new Glm45VPcPromptBuilder().Build(Context(Png(64, 40, 250)))).Contents;
        Assert.Equal(2, first.Count);
        string text = Assert.IsType<TextContent>(first[0]).Text;
        Assert.Contains("# Historical Actions and Current Memory\nHistory:\nMemory:\n[]\n# Output Format\n", text);
        Assert.Equal((64, 40, (byte)250), Inspect(first[1]));
    }

    [Fact]
    public void Glm45_action_space_has_a_call_rule_per_header()
    {
        string text = Text(SingleUser(new Glm45VPcPromptBuilder().Build(Context(Png(64, 40, 1), task: "Rename report.odt"))));
        // GLM-4.5V PC headers and call rules.
        (string Header, string Rule)[] rules =
        [
            ("{left,right,middle}_click", "{left,right,middle}_click(start_box='[x,y]', element_info='')"),
            ("hover", "hover(start_box='[x,y]', element_info='')"),
            ("left_double_click", "left_double_click(start_box='[x,y]', element_info='')"),
            ("left_drag", "left_drag(start_box='[x1,y1]', end_box='[x2,y2]', element_info='')"),
            ("key", "key(keys='')"),
            ("type", "type(content='')"),
            ("scroll", "scroll(start_box='[x,y]', direction='', step=5, element_info='')"),
            ("WAIT", "WAIT()"),
            ("DONE", "DONE()"),
            ("FAIL", "FAIL()"),
        ];
        InOrder(text, rules.SelectMany(r => new[] { $"### {r.Header}\n", $"Call rule: `{r.Rule}`\n{{\n    'name': " }).ToArray());
        Assert.Equal(rules.Length, Count(text, "Call rule: `"));
        Assert.Contains("'name': ['left_click', 'right_click', 'middle_click'],", text);
        Assert.Contains("'enum': ['down', 'up'],", text);
        Assert.Contains("0-999", text);
        InOrder(text,
            "The coordinates involved are all represented in thousandths (0-999).\n\n# Task:\nRename report.odt\n\n",
            "# Task Platform\nUbuntu\n\n# Action Space\n### ",
            "\n\n# Historical Actions and Current Memory\nHistory:");
        Assert.Contains("# Task Platform\nDebian 13\n", Text(SingleUser(new Glm45VPcPromptBuilder("Debian 13").Build(Context(Png(64, 40, 1))))));
    }

    [Theory]
    [InlineData("4.1V")]
    [InlineData("4.5V")]
    public void History_actions_parse_back_to_the_same_action(string version)
    {
        IGuiPromptBuilder builder = version == "4.1V" ? new Glm41VPcPromptBuilder() : new Glm45VPcPromptBuilder();
        var parser = GuiActionParsers.For(GuiProtocol.GlmVPc);
        var history = FixtureTexts((f, p) => p == "pc").Select((text, i) => Step(i, GuiProtocol.GlmVPc, text)).ToList();
        if (history.Count == 0) Assert.Skip("this fixture set has no PC lines in formats/gui_actions.jsonl");
        string text = Text(SingleUser(builder.Build(Context(Png(64, 40, 1), history))));
        foreach (var step in history.Where(s => s.Action is not null))
        {
            var parts = GuiOutputText.SplitPc(step.ModelOutput);
            Assert.Contains(version == "4.1V" ? $"\nstep {step.Index + 1}: " : $"\nstep {step.Index + 1}: Screenshot:", text);
            Assert.Contains(version == "4.1V" ? parts.Action : "\nAction: " + parts.Action, text);
            var reparsed = parser.Parse(parts.Action);
            Assert.True(reparsed.IsSuccess, $"{parts.Action}: {reparsed.Reason}");
            Assert.Equal(Describe(step.Action), Describe(reparsed.Action));
        }
    }

    [Fact]
    public async Task In_the_agent_loop_the_fifth_request_carries_the_four_previous_screens()
    {
        // RecordingExecutor changes the screen colour (red = 40·version) after every executed action.
        string Pc(string call) => $"Acting. <|begin_of_box|>{call}<|end_of_box|>\nMemory:\n[]";
        var client = new ScriptedChatClient(
            Pc("left_click(start_box='[100,100]')"), Pc("left_click(start_box='[200,200]')"), Pc("type(content='x')"),
            Pc("key(keys='enter')"), Pc("left_click(start_box='[300,300]')"), Pc("DONE()"));
        var executor = new RecordingExecutor(320, 200);
        var run = await new GuiAgent(client, new Glm41VPcPromptBuilder(), executor, new GuiAgentOptions { DelayAfterAction = TimeSpan.Zero }).RunAsync("do it");

        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.Equal(6, client.Requests.Count);
        var last = SingleUser(client.Requests[5].Messages.ToList());
        Assert.Equal((320, 200, (byte)200), Inspect(last.Contents[0]));
        Assert.Equal([(160, 100, (byte)40), (160, 100, (byte)80), (160, 100, (byte)120), (160, 100, (byte)160)],
            last.Contents.Skip(1).Take(4).Select(Inspect).ToArray());
        Assert.Contains("\nstep 5: Acting.\nleft_click(start_box='[300,300]')\nMemory:\n[]\nNote: You will also see 4 ", Text(last));
        Assert.Equal(0.001f, client.Requests[5].Options!.Temperature);
        Assert.Equal(8192, client.Requests[5].Options!.MaxOutputTokens);
    }
}
