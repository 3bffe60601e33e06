using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Screens;
using static Glm4vSK.Agents.Tests.Prompts.PromptTestKit;

namespace Glm4vSK.Agents.Tests.Prompts;

/// <summary>History / memory extraction from earlier answers and the web element list.</summary>
public sealed class GuiPromptTextTests
{
    [Fact]
    public void Mobile_history_entry_is_memory_reason_and_the_action_as_a_python_dict()
    {
        // GLM-V mobile history: h = "Memory: …\nReason: …\nAction: …", the action as a Python dict repr without box markers:
        // "Action: {'action_type': 'open_app', 'app_name': 'Broccoli'}".
        var step = Step(0, GuiProtocol.GlmVMobile, Fixture("A-mob-open_app"));
        Assert.Equal(
            "Memory: None\n" +
            "Reason: The user needs to access the Broccoli app to manage recipes. Since the app is not visible on the current home screen, the first step is to open the Broccoli app.\n" +
            "Action: {'action_type': 'open_app', 'app_name': 'Broccoli'}",
            GuiPromptText.MobileHistoryEntry(step));
    }

    [Fact]
    public void Mobile_history_entry_writes_python_literals_for_booleans_and_boxes()
    {
        var step = Step(0, GuiProtocol.GlmVMobile, Fixture("A-mob-input_text-override-python-literal"));
        Assert.EndsWith(
            "Action: {'action_type': 'input_text', 'text': 'Personal Finance Tracker', 'override': True, 'box_2d': [[38, 115, 961, 140]]}",
            GuiPromptText.MobileHistoryEntry(step));

        var quoted = Step(0, GuiProtocol.GlmVMobile, "Memory: None\nReason: r\nAction: {\"action_type\": \"answer\", \"text\": \"It's 5\\n\"}");
        Assert.EndsWith("Action: {'action_type': 'answer', 'text': \"It's 5\\n\"}", GuiPromptText.MobileHistoryEntry(quoted));
    }

    [Fact]
    public void Rejected_mobile_answer_keeps_its_visible_text_without_box_markers()
    {
        var step = Step(0, GuiProtocol.GlmVMobile, Fixture("A-mob-reject-double-braces"));
        Assert.Null(step.Action);
        string h = GuiPromptText.MobileHistoryEntry(step);
        Assert.Equal("Memory: None\nReason: test\nAction: {{\"box_2d\": [[503,480,718,602]], \"action_type\": \"click\"}}", h);

        var garbage = Step(0, GuiProtocol.GlmVMobile, "<think>SECRET-THOUGHT</think>I am not sure what to do.");
        Assert.Equal("I am not sure what to do.", GuiPromptText.MobileHistoryEntry(garbage));

        var truncated = Step(0, GuiProtocol.GlmVMobile, "<think>SECRET-THOUGHT that never ends");
        Assert.Equal(GuiOutputText.EmptyAnswer, GuiPromptText.MobileHistoryEntry(truncated));
    }

    [Fact]
    public void Pc_split_separates_explanation_action_and_memory()
    {
        var parts = GuiOutputText.SplitPc(Fixture("A-pc-left_click-docs"));
        Assert.Equal("I'm now on the Google Shopping homepage. To start this search, I need to click on the search box in the center of the screen.", parts.Thought);
        Assert.Equal("left_click(start_box='[376,465]')", parts.Action);
        Assert.Equal("[]", parts.Memory);

        var right = GuiOutputText.SplitPc(Fixture("A-pc-right_click"));
        Assert.Equal("right_click(start_box='[412, 388]', element_info='report.odt')", right.Action);
        Assert.Equal("[{\"file\": \"report.odt\"}]", right.Memory);

        var noExplanation = GuiOutputText.SplitPc(Fixture("A-pc-scroll-verbatim"));
        Assert.Equal("scroll(start_box='[200, 200]', direction='down', step=3)", noExplanation.Action);
        Assert.Equal("", noExplanation.Thought);
        Assert.Null(noExplanation.Memory);

        // Without box markers GLM-V falls back to the first call in the text.
        var bare = GuiOutputText.SplitPc("Click it. left_click(start_box='[10,20]')\nMemory:\n[]");
        Assert.Equal("left_click(start_box='[10,20]')", bare.Action);
        Assert.Equal("Click it.", bare.Thought);
    }

    [Fact]
    public void Latest_pc_memory_is_the_newest_memory_section()
    {
        var history = new[]
        {
            Step(0, GuiProtocol.GlmVPc, "a <|begin_of_box|>WAIT()<|end_of_box|>\nMemory:\n[{\"first\": 1}]"),
            Step(1, GuiProtocol.GlmVPc, "b <|begin_of_box|>WAIT()<|end_of_box|>\nMemory:\n[{\"second\": 2}]"),
            Step(2, GuiProtocol.GlmVPc, "no memory section here <|begin_of_box|>WAIT()<|end_of_box|>"),
        };
        Assert.Equal("[{\"second\": 2}]", GuiPromptText.LatestPcMemory(history, "[{\"initial\": 0}]"));
        Assert.Equal("[{\"first\": 1}]", GuiPromptText.LatestPcMemory(history[..1], null));
        Assert.Equal("[{\"initial\": 0}]", GuiPromptText.LatestPcMemory([], "[{\"initial\": 0}]"));
        Assert.Equal("[]", GuiPromptText.LatestPcMemory([], null));
        Assert.Equal("[]", GuiPromptText.LatestPcMemory([Step(0, GuiProtocol.GlmVPc, "x <|begin_of_box|>WAIT()<|end_of_box|>\nMemory:\n")], "[1]"));
    }

    [Fact]
    public void Web_split_reads_thought_action_and_updated_memory()
    {
        var answer = GuiOutputText.SplitWeb(Fixture("A-web-answer"));
        Assert.Equal("The page lists the capital as Guatemala City; the country is Guatemala.", answer.Thought);
        Assert.Equal("ANSWER; <content>Guatemala</content>", answer.Action);
        Assert.Equal("{\"country\": \"Guatemala\"}", answer.Memory);

        var boxed = GuiOutputText.SplitWeb(Fixture("A-web-type"));
        Assert.Equal("Type [1]; [Vegetarian Lasagna]", boxed.Action);
        Assert.Equal("{}", boxed.Memory);

        Assert.Equal("{\"country\": \"Guatemala\"}", GuiPromptText.LatestWebMemory(
            [Step(0, GuiProtocol.GlmVWeb, Fixture("A-web-answer")), Step(1, GuiProtocol.GlmVWeb, "I could not decide.")], null));
        Assert.Equal("{}", GuiPromptText.LatestWebMemory([], null));
        Assert.Equal("{\"k\": 1}", GuiPromptText.LatestWebMemory([], "{\"k\": 1}"));
    }

    [Fact]
    public void Web_history_entry_matches_the_documented_form()
    {
        // GLM-V's web example entry: "Thought:I'm on the homepage … Action:Type [1]; [Vegetarian Lasagna]   Observation:Success"
        // (the runs of spaces are tabs in GLM-V's agent.md, expanded to tab stops of 4).
        var step = Step(0, GuiProtocol.GlmVWeb, Fixture("A-web-type"));
        Assert.Equal(
            "Thought:I'm on the homepage of Allrecipes.com. I'll type the recipe name into the search box.\tAction:Type [1]; [Vegetarian Lasagna]\tObservation:Success",
            GuiPromptText.WebHistoryEntry(step));

        var failed = Step(0, GuiProtocol.GlmVWeb, Fixture("A-web-click"), outcome: GuiActionOutcome.Failure("no element with label 9\non this page"));
        Assert.EndsWith("\tAction:Click [9]\tObservation:no element with label 9 on this page", GuiPromptText.WebHistoryEntry(failed));
        Assert.Equal("Not executed", GuiPromptText.ObservationText(null));
        Assert.Equal("Failed", GuiPromptText.ObservationText(GuiActionOutcome.Failure(" ")));
    }

    [Fact]
    public void AutoGlm_split_follows_parse_response()
    {
        var tap = GuiOutputText.SplitAutoGlm(Fixture("A-ag-tap-readme"));
        Assert.Equal("eBay is now open, need to tap the search box", tap.Thought);
        Assert.Equal("do(action=\"Tap\", element=[499, 182])", tap.Action);

        var finish = GuiOutputText.SplitAutoGlm(Fixture("A-ag-finish-en"));
        Assert.Equal("The search results are displayed.", finish.Thought);
        Assert.Equal("finish(message=\"Task completed.\")", finish.Action);

        // A server that strips the special tokens: rule 2 of _parse_response (split at the first do(action=).
        var stripped = GuiOutputText.SplitAutoGlm("Go home first.\ndo(action=\"Home\")");
        Assert.Equal("Go home first.", stripped.Thought);
        Assert.Equal("do(action=\"Home\")", stripped.Action);

        // Rule 1 has priority over rule 2.
        var both = GuiOutputText.SplitAutoGlm("Done. finish(message=\"ok\")");
        Assert.Equal("finish(message=\"ok\")", both.Action);

        // A call mentioned while thinking is not the action.
        var mentioned = GuiOutputText.SplitAutoGlm("<think>Maybe do(action=\"Back\") later, or finish(message=\"x\")</think>\n<answer>do(action=\"Home\")</answer>");
        Assert.Equal("do(action=\"Home\")", mentioned.Action);
        Assert.Equal("Maybe do(action=\"Back\") later, or finish(message=\"x\")", mentioned.Thought);

        // Rule 4: no call at all.
        var none = GuiOutputText.SplitAutoGlm("<think>hmm</think><answer>I give up</answer>");
        Assert.Equal("I give up", none.Action);
        Assert.Equal("hmm", none.Thought);
        Assert.False(none.Structured);
    }

    [Fact]
    public void Screen_info_is_python_json_with_non_ascii_kept()
    {
        // AutoGLM's screen info: {"current_app": "小红书"} (json.dumps, ensure_ascii=False).
        Assert.Equal("{\"current_app\": \"小红书\"}", GuiPromptText.ScreenInfo("小红书"));
        Assert.Equal("{\"current_app\": \"System Home\"}", GuiPromptText.ScreenInfo(null));
        Assert.Equal("{\"current_app\": \"System Home\"}", GuiPromptText.ScreenInfo("  "));
        Assert.Equal("{\"current_app\": \"a\\\"b\\\\c\"}", GuiPromptText.ScreenInfo("a\"b\\c"));
    }

    [Fact]
    public void Element_list_renders_the_webvoyager_format()
    {
        // GLM-V's web doc example: [0]: "Allrecipes", …;    [1]: <input> "";    [2]: <button> "Click to search";
        var elements = new[]
        {
            new GuiElement(0, "a", "Allrecipes", new PixelRect(0, 0, 10, 10)),
            new GuiElement(1, "INPUT", "", new PixelRect(0, 0, 10, 10), "text"),
            new GuiElement(2, "button", "Click to search", new PixelRect(0, 0, 10, 10)),
            new GuiElement(3, "div", "   ", new PixelRect(0, 0, 10, 10)),
            new GuiElement(4, "a", "Log In", new PixelRect(0, 0, 10, 10)),
        };
        Assert.Equal("[0]: \"Allrecipes\";\t[1]: <input> \"\";\t[2]: <button> \"Click to search\";\t[4]: \"Log In\";", WebElementList.Format(elements));
        Assert.Equal("", WebElementList.Format([]));

        string longText = new('x', 250);
        string entry = WebElementList.Entry(new GuiElement(7, "span", longText, default))!;
        Assert.Equal("[7]: \"" + new string('x', WebElementList.MaxTextLength) + "…\";", entry);
        Assert.Equal("[8]: <textarea> \"Line 1\nLine 2\";", WebElementList.Entry(new GuiElement(8, "textarea", " Line 1\nLine 2 ", default)));
    }

    [Fact]
    public void Default_app_lists_are_the_androidworld_names()
    {
        Assert.Equal(56, GuiAppLists.Glm41VMobile.Count);
        Assert.Equal(20, GuiAppLists.Glm45VMobile.Count);
        Assert.All(GuiAppLists.Glm45VMobile, a => Assert.Contains(a, GuiAppLists.Glm41VMobile));
        Assert.Equal(GuiAppLists.Glm41VMobile.Count, GuiAppLists.Glm41VMobile.Distinct().Count());
        Assert.Equal("Clock,Simple Calendar Pro", GuiAppLists.Join(["Clock", "Simple Calendar Pro"]));
        Assert.Throws<ArgumentException>(() => GuiAppLists.Join(["Clock", " "]));
    }

    [Fact]
    public void Thinking_and_box_markers_never_reach_a_glm_v_history()
    {
        const string secret = "SECRET-THOUGHT";
        var mobile = Step(0, GuiProtocol.GlmVMobile, $"<think>{secret}</think><answer>Memory: None\nReason: r\nAction: <|begin_of_box|>{{\"action_type\": \"wait\"}}<|end_of_box|></answer>");
        var pc = Step(0, GuiProtocol.GlmVPc, $"<think>{secret}</think><answer>Wait. <|begin_of_box|>WAIT()<|end_of_box|>\nMemory:\n[]</answer>");
        var web = Step(0, GuiProtocol.GlmVWeb, $"<think>{secret}</think>Thought: t\nAction: <|begin_of_box|>Wait<|end_of_box|>\nMemory_Updated: {{}}");
        foreach (string h in new[]
                 {
                     GuiPromptText.MobileHistoryEntry(mobile), GuiOutputText.SplitPc(pc.ModelOutput).Thought + GuiOutputText.SplitPc(pc.ModelOutput).Action,
                     GuiPromptText.WebHistoryEntry(web),
                 })
        {
            Assert.DoesNotContain(secret, h);
            Assert.DoesNotContain("<think>", h);
            Assert.DoesNotContain("<|begin_of_box|>", h);
            Assert.DoesNotContain("<|end_of_box|>", h);
            Assert.DoesNotContain("<answer>", h);
        }
    }
}
