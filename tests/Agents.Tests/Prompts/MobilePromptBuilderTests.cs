using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Prompts;
using Microsoft.Extensions.AI;
using static Glm4vSK.Agents.Tests.Prompts.PromptTestKit;

namespace Glm4vSK.Agents.Tests.Prompts;

/// <summary>GLM-4.1V / GLM-4.5V mobile (AndroidWorld) prompts.</summary>
public sealed class MobilePromptBuilderTests
{
    public static TheoryData<string> Builders() => new("4.1V", "4.5V");

    private static IGuiPromptBuilder Builder(string version) => version == "4.1V" ? new Glm41VMobilePromptBuilder() : new Glm45VMobilePromptBuilder();

    [Theory, MemberData(nameof(Builders))]
    public void One_user_message_with_the_current_screenshot_then_the_text(string version)
    {
        var phone = Png(1080, 2400, 77);
        var history = new[] { Step(0, GuiProtocol.GlmVMobile, Fixture("A-mob-open_app")), Step(1, GuiProtocol.GlmVMobile, Fixture("A-mob-click-verbatim")) };
        var message = SingleUser(Builder(version).Build(Context(phone, history)));

        Assert.Equal(2, message.Contents.Count);
        var image = Assert.IsType<DataContent>(message.Contents[0]);
        Assert.Equal(phone.Data.ToArray(), image.Data.ToArray());
        Assert.Equal((1080, 2400, (byte)77), Inspect(image));
        Assert.IsType<TextContent>(message.Contents[1]);
        Assert.Equal(GuiProtocol.GlmVMobile, Builder(version).Protocol);
        Assert.False(Builder(version).UsesSetOfMarks);
    }

    [Fact]
    public void Glm41_lists_every_action_in_its_exact_json_form()
    {
        string text = Text(SingleUser(new Glm41VMobilePromptBuilder().Build(Context(Png(108, 240, 1)))));
        // The action space: the exact JSON forms from the prompt.
        string[] forms =
        [
            """{"action_type": "status", "goal_status": "complete"}""",
            """{"action_type": "status", "goal_status": "infeasible"}""",
            """{"action_type": "answer", "text": "<answer_text>"}""",
            """{"action_type": "click", "box_2d": [[,,,]]}""",
            """{"action_type": "long_press", "box_2d": [[,,,]]}""",
            """{"action_type": "input_text", "text": <text_input>, "box_2d": [[,,,]], 'override': True/False}""",
            """{"action_type": "keyboard_enter"}""",
            """{"action_type": "navigate_home"}""",
            """{"action_type": "navigate_back"}""",
            """{"action_type": "swipe", "direction": <up, down, left, right>, "box_2d": [[,,,]](optional)}""",
            """{"action_type": "open_app", "app_name": <name>}""",
            """{"action_type": "wait"}""",
        ];
        InOrder(text, forms.Select(f => "`" + f + "`").ToArray());
        Assert.Contains("[[xmin,ymin,xmax,ymax]]", text);
        Assert.Contains("0-999", text);
    }

    [Fact]
    public void Glm41_prompt_has_the_recipe_structure()
    {
        string text = Text(SingleUser(new Glm41VMobilePromptBuilder().Build(Context(Png(108, 240, 1), task: "Delete the duplicate recipes in Broccoli."))));
        InOrder(text,
            "-- supported app_names: " + string.Join(",", GuiAppLists.Glm41VMobile) + "\n",
            "\nThe current user goal/request is: Delete the duplicate recipes in Broccoli.\n\n",
            "Here is a history of what you have done so far:\nYou just started, no action has been performed yet.\n",
            "The current screenshot is given to you.",
            "General:", "Text Related Operations:", "Action Related:",
            "Your answer should look like:\nMemory: ...\nReason: ...\nAction: {\"action_type\":...}");
        Assert.Contains("-- supported app_names: Google Chrome,Google Chat,Settings,", text);
        Assert.EndsWith("Action: {\"action_type\":...}", text);
    }

    [Fact]
    public void Glm45_lists_every_calling_rule_under_its_own_header()
    {
        string text = Text(SingleUser(new Glm45VMobilePromptBuilder().Build(Context(Png(108, 240, 1)))));
        // The exact calling rules.
        (string Name, string Rule)[] rules =
        [
            ("status", """{"action_type": "status", "goal_status": "<complete|infeasible>"}"""),
            ("answer", """{"action_type": "answer", "text": "<answer_text>"}"""),
            ("click", """{"action_type": "click", "box_2d": [[xmin,ymin,xmax,ymax]]}"""),
            ("long_press", """{"action_type": "long_press", "box_2d": [[xmin,ymin,xmax,ymax]]}"""),
            ("input_text", """{"action_type": "input_text", "text": "<text_input>", "box_2d": [[xmin,ymin,xmax,ymax]], "override": true/false}"""),
            ("keyboard_enter", """{"action_type": "keyboard_enter"}"""),
            ("navigate_home", """{"action_type": "navigate_home"}"""),
            ("navigate_back", """{"action_type": "navigate_back"}"""),
            ("swipe", """{"action_type": "swipe", "direction": "<up|down|left|right>", "box_2d": [[xmin,ymin,xmax,ymax]](optional)}"""),
            ("open_app", """{"action_type": "open_app", "app_name": "<name>"}"""),
            ("wait", """{"action_type": "wait"}"""),
        ];
        InOrder(text, rules.SelectMany(r => new[] { $"### {r.Name}\n", $"Calling rule: `{r.Rule}`\n{{" }).ToArray());
        Assert.Equal(rules.Length, Count(text, "Calling rule: `"));
        // Schemas: enums and required fields.
        Assert.Contains("\"enum\": [\n                    \"complete\",\n                    \"infeasible\"\n                ]", text);
        Assert.Contains("\"up\",\n                    \"down\",\n                    \"left\",\n                    \"right\"", text);
        Assert.Contains("\"required\": [\n            \"text\",\n            \"box_2d\",\n            \"override\"\n        ]", text);
        Assert.Contains("Supported apps: " + string.Join(",", GuiAppLists.Glm45VMobile), text);
    }

    [Fact]
    public void Glm45_prompt_sections_are_in_order()
    {
        string text = Text(SingleUser(new Glm45VMobilePromptBuilder().Build(Context(Png(108, 240, 1), task: "Turn on Wi-Fi"))));
        Assert.StartsWith("You are a GUI Agent", text);
        InOrder(text,
            "The coordinates involved are all represented in thousandths (0-999).\n\n# Task:\nTurn on Wi-Fi\n\n",
            "# Task Platform\nMobile\n\n",
            "# Action Space\n",
            "# Historical Actions and Current Memory\nYou just started, no action has been performed yet.\n# Output Format\n",
            "Your answer should look like:\nMemory: ...\nReason: ...\nAction: {\"action_type\":...}\n\n",
            "# Some Additional Notes\n", "General:", "Text Related Operations:", "Action Related:", "App Related:");
    }

    [Theory, MemberData(nameof(Builders))]
    public void History_steps_are_numbered_from_zero_with_memory_reason_action(string version)
    {
        var history = new[]
        {
            Step(0, GuiProtocol.GlmVMobile, Fixture("A-mob-open_app")),
            Step(1, GuiProtocol.GlmVMobile, Fixture("A-mob-click-verbatim")),
            Step(2, GuiProtocol.GlmVMobile, Fixture("A-mob-reject-click-without-box")),
        };
        string text = Text(SingleUser(Builder(version).Build(Context(Png(108, 240, 1), history))));

        string expected =
            "Step 0:\nMemory: None\nReason: The user needs to access the Broccoli app to manage recipes. Since the app is not visible on the current home screen, the first step is to open the Broccoli app.\n" +
            "Action: {'action_type': 'open_app', 'app_name': 'Broccoli'}\n\n" +
            "Step 1:\nMemory: None\nReason: test\nAction: {'action_type': 'click', 'box_2d': [[503, 580, 718, 702]]}\n\n" +
            // Rejected by the parser (no box_2d): shown as the model wrote it.
            "Step 2:\nMemory: None\nReason: test\nAction: {\"action_type\": \"click\"}\n\n\n";
        Assert.Contains(expected, text);
        Assert.DoesNotContain("You just started", text);
        Assert.DoesNotContain("<|begin_of_box|>", text);
        Assert.DoesNotContain("<think>", text);
        Assert.DoesNotContain("Step 3:", text);
    }

    [Theory, MemberData(nameof(Builders))]
    public void Custom_apps_and_notes_are_used(string version)
    {
        var context = new GuiPromptContext
        {
            Task = "Send hi",
            Current = new(Png(108, 240, 1)),
            Apps = ["Signal", "K-9 Mail"],
            Notes = "The PIN is in the memory.\n- Never delete chats.",
        };
        string text = Text(SingleUser(Builder(version).Build(context)));
        Assert.Contains("Signal,K-9 Mail", text);
        Assert.DoesNotContain("Broccoli", text);
        Assert.Contains("\n- The PIN is in the memory.\n- Never delete chats.", text);
    }

    [Theory, MemberData(nameof(Builders))]
    public void History_actions_parse_back_to_the_same_action(string version)
    {
        // Every mobile fixture answer, fed back as history, renders an Action line that the mobile parser reads as
        // the same action (the Python-dict form is accepted by the parser).
        var parser = GuiActionParsers.For(GuiProtocol.GlmVMobile);
        var texts = FixtureTexts((f, p) => f != "autoglm-phone" && p == "mobile").ToList();
        if (texts.Count == 0) Assert.Skip("this fixture set has no GLM-V mobile lines in formats/gui_actions.jsonl");
        var history = texts.Select((text, i) => Step(i, GuiProtocol.GlmVMobile, text)).ToList();
        string text = Text(SingleUser(Builder(version).Build(Context(Png(108, 240, 1), history))));
        foreach (var step in history.Where(s => s.Action is not null))
        {
            string entry = GuiPromptText.MobileHistoryEntry(step);
            Assert.Contains($"Step {step.Index}:\n{entry}\n\n", text);
            var reparsed = parser.Parse(entry);
            Assert.True(reparsed.IsSuccess, $"{entry}: {reparsed.Reason}");
            Assert.Equal(Describe(step.Action), Describe(reparsed.Action));
        }
    }
}
