using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;
using static Glm4vSK.Agents.Tests.Prompts.PromptTestKit;

namespace Glm4vSK.Agents.Tests.Prompts;

/// <summary>AutoGLM-Phone multi-turn prompts (only the latest screenshot stays in the chat).</summary>
public sealed class AutoGlmPhonePromptBuilderTests
{
    private static GuiObservation Screen(byte shade, string? app) => new(Png(108, 240, shade)) { CurrentApp = app };

    [Fact]
    public void First_step_is_system_then_user_with_image_and_task_plus_screen_info()
    {
        var context = new GuiPromptContext { Task = "打开小红书搜索咖啡", Current = Screen(5, "小红书"), Now = new DateTimeOffset(2025, 7, 26, 9, 0, 0, TimeSpan.FromHours(8)) };
        var messages = new AutoGlmPhonePromptBuilder().Build(context);

        Assert.Equal(2, messages.Count);
        Assert.Equal(ChatRole.System, messages[0].Role);
        Assert.Equal(ChatRole.User, messages[1].Role);
        Assert.Equal(2, messages[1].Contents.Count);
        Assert.Equal((108, 240, (byte)5), Inspect(messages[1].Contents[0]));
        // text("{task}\n\n{screen_info}"), screen_info = {"current_app": "小红书"} with ensure_ascii=False.
        Assert.Equal("打开小红书搜索咖啡\n\n{\"current_app\": \"小红书\"}", Assert.IsType<TextContent>(messages[1].Contents[1]).Text);
    }

    [Fact]
    public void Later_steps_replay_user_and_assistant_turns_and_only_the_last_user_turn_has_an_image()
    {
        var history = new[]
        {
            Step(0, GuiProtocol.AutoGlmPhone, Fixture("A-ag-launch"), Screen(1, null)),
            Step(1, GuiProtocol.AutoGlmPhone, Fixture("A-ag-tap-readme"), Screen(2, "微信")),
            Step(2, GuiProtocol.AutoGlmPhone, Fixture("A-ag-reject-unknown"), Screen(3, "微信")),
        };
        var context = new GuiPromptContext { Task = "Send hi to Li", Current = Screen(4, "微信"), History = history };
        var messages = new AutoGlmPhonePromptBuilder().Build(context);

        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant, ChatRole.User],
            messages.Select(m => m.Role));
        var users = messages.Where(m => m.Role == ChatRole.User).ToList();
        Assert.All(users.Take(3), u => Assert.IsType<TextContent>(Assert.Single(u.Contents)));
        Assert.Equal(1, messages.Sum(m => m.Contents.OfType<DataContent>().Count()));
        Assert.Equal((108, 240, (byte)4), Inspect(users[3].Contents[0]));

        Assert.Equal("Send hi to Li\n\n{\"current_app\": \"System Home\"}", users[0].Text);
        Assert.Equal("** Screen Info **\n\n{\"current_app\": \"微信\"}", users[1].Text);
        Assert.Equal("** Screen Info **\n\n{\"current_app\": \"微信\"}", users[2].Text);
        Assert.Equal("** Screen Info **\n\n{\"current_app\": \"微信\"}", Assert.IsType<TextContent>(users[3].Contents[1]).Text);

        // "<think>{thinking}</think><answer>{action}</answer>", as Open-AutoGLM appends it.
        var assistants = messages.Where(m => m.Role == ChatRole.Assistant).Select(m => m.Text).ToList();
        Assert.Equal("<think>需要先打开微信</think><answer>do(action=\"Launch\", app=\"微信\")</answer>", assistants[0]);
        Assert.Equal("<think>eBay is now open, need to tap the search box</think><answer>do(action=\"Tap\", element=[499, 182])</answer>", assistants[1]);
        // A rejected answer is replayed as the model wrote it.
        Assert.Equal("<think>Fly there.</think><answer>do(action=\"Teleport\", element=[1, 2])</answer>", assistants[2]);
    }

    [Fact]
    public void Assistant_turns_parse_back_to_the_same_action()
    {
        var parser = GuiActionParsers.For(GuiProtocol.AutoGlmPhone);
        var history = FixtureTexts((f, _) => f == "autoglm-phone").Select((text, i) => Step(i, GuiProtocol.AutoGlmPhone, text)).ToList();
        if (history.Count == 0) Assert.Skip("this fixture set has no AutoGLM-Phone lines in formats/gui_actions.jsonl");
        var messages = new AutoGlmPhonePromptBuilder(AutoGlmLanguage.English).Build(new GuiPromptContext { Task = "t", Current = Screen(1, "Settings"), History = history });
        var assistants = messages.Where(m => m.Role == ChatRole.Assistant).Select(m => m.Text).ToList();
        Assert.Equal(history.Count, assistants.Count);
        for (int i = 0; i < history.Count; i++)
        {
            Assert.StartsWith("<think>", assistants[i]);
            Assert.EndsWith("</answer>", assistants[i]);
            var reparsed = parser.Parse(assistants[i]);
            Assert.Equal(Describe(history[i].Action), Describe(reparsed.Action));
        }
        Assert.Contains("<think>The search results are displayed.</think><answer>finish(message=\"Task completed.\")</answer>", assistants);
    }

    [Fact]
    public void Chinese_system_prompt_has_the_date_line_format_and_all_actions()
    {
        var builder = new AutoGlmPhonePromptBuilder();
        Assert.Equal(AutoGlmLanguage.Chinese, builder.Language);
        var context = new GuiPromptContext { Task = "t", Current = Screen(1, null), Now = new DateTimeOffset(2025, 7, 26, 23, 0, 0, TimeSpan.FromHours(8)) };
        string system = builder.Build(context)[0].Text;

        Assert.StartsWith("今天的日期是: 2025年07月26日 星期六\n", system);
        Assert.Contains("<think>{think}</think>\n<answer>{action}</answer>", system);
        // The zh prompt's action list, exact syntax.
        string[] actions =
        [
            "do(action=\"Launch\", app=\"xxx\")",
            "do(action=\"Tap\", element=[x,y])",
            "do(action=\"Tap\", element=[x,y], message=\"重要操作\")",
            "do(action=\"Type\", text=\"xxx\")",
            "do(action=\"Type_Name\", text=\"xxx\")",
            "do(action=\"Interact\")",
            "do(action=\"Swipe\", start=[x1,y1], end=[x2,y2])",
            "do(action=\"Note\", message=\"True\")",
            "do(action=\"Call_API\", instruction=\"xxx\")",
            "do(action=\"Long Press\", element=[x,y])",
            "do(action=\"Double Tap\", element=[x,y])",
            "do(action=\"Take_over\", message=\"xxx\")",
            "do(action=\"Back\")",
            "do(action=\"Home\")",
            "do(action=\"Wait\", duration=\"x seconds\")",
            "finish(message=\"xxx\")",
        ];
        InOrder(system, actions.Select(a => "\n- " + a + "\n").ToArray());
        Assert.Contains("(999,999)", system);

        var sunday = new GuiPromptContext { Task = "t", Current = Screen(1, null), Now = new DateTimeOffset(2025, 7, 27, 8, 0, 0, TimeSpan.Zero) };
        Assert.StartsWith("今天的日期是: 2025年07月27日 星期日\n", builder.Build(sunday)[0].Text);
    }

    [Fact]
    public void English_system_prompt_has_the_date_line_format_and_the_short_action_list()
    {
        var builder = new AutoGlmPhonePromptBuilder(AutoGlmLanguage.English);
        var context = new GuiPromptContext { Task = "t", Current = Screen(1, null), Now = new DateTimeOffset(2025, 7, 26, 9, 0, 0, TimeSpan.FromHours(8)) };
        string system = builder.Build(context)[0].Text;

        Assert.StartsWith("The current date: 2025-07-26, Saturday\n", system);
        Assert.Contains("<think>\n[Your thought]\n</think>\n<answer>\n[Your operation code]\n</answer>", system);
        // The English prompt lists Tap, Type, Swipe, Long Press, Launch, Back, Finish.
        string[] examples =
        [
            "do(action=\"Tap\", element=[x,y])",
            "do(action=\"Type\", text=\"Hello World\")",
            "do(action=\"Swipe\", start=[x1,y1], end=[x2,y2])",
            "do(action=\"Long Press\", element=[x,y])",
            "do(action=\"Launch\", app=\"Settings\")",
            "do(action=\"Back\")",
            "finish(message=\"Task completed.\")",
        ];
        InOrder(system, examples.Select(e => "<answer>\n  " + e + "\n  </answer>").ToArray());
        Assert.DoesNotContain("Take_over", system);

        var parser = GuiActionParsers.For(GuiProtocol.AutoGlmPhone);
        Assert.Equal(GuiActionKind.TypeText, parser.Parse("<answer>do(action=\"Type\", text=\"Hello World\")</answer>").Action?.Kind);
        Assert.Equal(GuiActionKind.OpenApp, parser.Parse("<answer>do(action=\"Launch\", app=\"Settings\")</answer>").Action?.Kind);
        Assert.Equal(GuiActionKind.Finish, parser.Parse("<answer>finish(message=\"Task completed.\")</answer>").Action?.Kind);
    }

    [Theory]
    [InlineData(AutoGlmLanguage.Chinese)]
    [InlineData(AutoGlmLanguage.English)]
    public void Apps_and_notes_are_added_to_the_system_prompt(AutoGlmLanguage language)
    {
        var context = new GuiPromptContext { Task = "t", Current = Screen(1, null), Apps = ["微信", "Settings"], Notes = "Never pay." };
        string system = new AutoGlmPhonePromptBuilder(language).Build(context)[0].Text;
        Assert.Contains("微信", system);
        Assert.Contains("Settings", system);
        Assert.Contains("\n- Never pay.", system);
        string plain = new AutoGlmPhonePromptBuilder(language).Build(new GuiPromptContext { Task = "t", Current = Screen(1, null) })[0].Text;
        Assert.DoesNotContain("Never pay.", plain);
    }

    [Fact]
    public void Chat_options_are_open_autoglm_model_config_and_fresh_each_time()
    {
        var builder = new AutoGlmPhonePromptBuilder();
        var a = builder.CreateChatOptions();
        Assert.Equal(3000, a.MaxOutputTokens);
        Assert.Equal(0f, a.Temperature);
        Assert.Equal(0.85f, a.TopP);
        Assert.Equal(0.2f, a.FrequencyPenalty);
        a.Temperature = 1f;
        Assert.Equal(0f, builder.CreateChatOptions().Temperature);
        Assert.NotSame(a, builder.CreateChatOptions());
        Assert.Throws<ArgumentOutOfRangeException>(() => new AutoGlmPhonePromptBuilder((AutoGlmLanguage)7));
    }
}
