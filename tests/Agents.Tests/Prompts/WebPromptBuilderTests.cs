using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;
using static Glm4vSK.Agents.Tests.Prompts.PromptTestKit;

namespace Glm4vSK.Agents.Tests.Prompts;

/// <summary>GLM-4.1V / GLM-4.5V web (WebVoyager, set-of-marks) prompts.</summary>
public sealed class WebPromptBuilderTests
{
    public static TheoryData<string> Builders() => new("4.1V", "4.5V");

    private static IGuiPromptBuilder Builder(string version) => version == "4.1V" ? new Glm41VWebPromptBuilder() : new Glm45VWebPromptBuilder();

    private static readonly GuiElement[] Elements =
    [
        new(0, "a", "Allrecipes", new PixelRect(10, 10, 80, 20)),
        new(1, "input", "", new PixelRect(100, 10, 300, 30), "search"),
        new(2, "button", "Click to search", new PixelRect(400, 10, 40, 30)),
    ];

    private static GuiPromptContext WebContext(IReadOnlyList<GuiHistoryStep>? history = null, string? url = "https://www.allrecipes.com/", string? initialMemory = null) => new()
    {
        Task = "Provide a recipe for vegetarian lasagna",
        Current = new GuiObservation(Png(1280, 800, 66)) { Elements = Elements, Location = "https://www.allrecipes.com/search?q=x" },
        History = history ?? [],
        WebsiteUrl = url,
        InitialMemory = initialMemory,
        Now = new DateTimeOffset(2025, 7, 26, 10, 59, 0, TimeSpan.FromHours(8)),
    };

    [Theory, MemberData(nameof(Builders))]
    public void One_user_message_with_the_labelled_screenshot_then_the_text(string version)
    {
        var builder = Builder(version);
        Assert.True(builder.UsesSetOfMarks);
        Assert.Equal(GuiProtocol.GlmVWeb, builder.Protocol);
        var message = SingleUser(builder.Build(WebContext()));
        Assert.Equal(2, message.Contents.Count);
        Assert.Equal((1280, 800, (byte)66), Inspect(message.Contents[0]));
        Assert.IsType<TextContent>(message.Contents[1]);
    }

    [Theory, MemberData(nameof(Builders))]
    public void Action_formats_and_examples_are_exact_and_the_examples_parse(string version)
    {
        string text = Text(SingleUser(Builder(version).Build(WebContext())));
        // The exact action formats and the prompt's examples.
        InOrder(text,
            "Click [Numerical_Label]", "\"Click [1]\"",
            "Type [Numerical_Label]; [The input content]", "\"Type [2]; [5$]\"",
            "Scroll [Numerical_Label or WINDOW]; [up or down]", "\"Scroll [6]; [up]\"",
            "Wait", "\"Wait\"", "GoBack", "\"GoBack\"", "Bing", "\"Bing\"",
            "ANSWER; <content>The content of the answer</content>", "\"ANSWER; <content>Guatemala</content>\"",
            "Key; [The key name]", "\"Key; [Return]\"");
        var parser = GuiActionParsers.For(GuiProtocol.GlmVWeb);
        (string Example, GuiActionKind Kind)[] examples =
        [
            ("Click [1]", GuiActionKind.Click), ("Type [2]; [5$]", GuiActionKind.TypeText), ("Scroll [6]; [up]", GuiActionKind.Scroll),
            ("Wait", GuiActionKind.Wait), ("GoBack", GuiActionKind.NavigateBack), ("Bing", GuiActionKind.Search),
            ("ANSWER; <content>Guatemala</content>", GuiActionKind.Answer), ("Key; [Return]", GuiActionKind.Key),
        ];
        foreach (var (example, kind) in examples)
        {
            var parsed = parser.Parse($"Thought: t\nAction: {example}\nMemory_Updated: {{}}");
            Assert.True(parsed.IsSuccess, $"{example}: {parsed.Reason}");
            Assert.Equal(kind, parsed.Action.Kind);
        }
        InOrder(text,
            "Thought: {Your brief thoughts (briefly summarize the info that will help ANSWER)}\n",
            "Action: {One Action format you choose}\n",
            "Memory_Updated: {");
    }

    [Fact]
    public void Glm41_prompt_has_sections_a_to_e_and_ends_with_the_observation_line()
    {
        string text = Text(SingleUser(new Glm41VWebPromptBuilder().Build(WebContext([Step(0, GuiProtocol.GlmVWeb, Fixture("A-web-type"))]))));
        InOrder(text,
            "\"Provide a recipe for vegetarian lasagna\", Please interact with https://www.allrecipes.com/ and get the answer.",
            "\nA. ", "Provide a recipe for vegetarian lasagna",
            "\nB. ", "Click [Numerical_Label]",
            "\nC. You have **already performed the following actions** (format: Thought,Action,The Observation after the Action):\n" +
            "0.Thought:I'm on the homepage of Allrecipes.com. I'll type the recipe name into the search box.\tAction:Type [1]; [Vegetarian Lasagna]\tObservation:Success\n\nD. ",
            "\nMemory:{}\nE. ",
            "\n[0]: \"Allrecipes\";\t[1]: <input> \"\";\t[2]: <button> \"Click to search\";\n",
            "Key Guidelines You MUST follow:\n* Action guidelines *\n",
            "* Web Browsing Guidelines *\n",
            "Your reply should strictly follow the format:\nThought:");
        Assert.EndsWith("Then the User will provide:\nObservation: {A labeled screenshot Given by User}", text);
    }

    [Fact]
    public void Glm45_prompt_has_the_sections_and_the_current_time()
    {
        string text = Text(SingleUser(new Glm45VWebPromptBuilder().Build(WebContext([Step(0, GuiProtocol.GlmVWeb, Fixture("A-web-answer"))]))));
        InOrder(text,
            "(0-999).\n\n# Task:\nProvide a recipe for vegetarian lasagna, Please interact with https://www.allrecipes.com/ and get the answer. The current time is 2025-07-26, 10:00 AM.\n\n",
            "# Task Platform\nWeb\n\n",
            "# Action Space\n", "Click [Numerical_Label]",
            "# Historical Actions and Current Memory\nYou have **already performed the following actions** (format: Thought,Action,The Observation after the Action):\n" +
            "0.Thought:The page lists the capital as Guatemala City; the country is Guatemala.\tAction:ANSWER; <content>Guatemala</content>\tObservation:Success\n",
            "Memory:{\"country\": \"Guatemala\"}\n\n# Output Format\nYour reply should strictly follow the format:\n",
            "# Some Additional Notes\nA. ",
            "\nB. ", "\n[0]: \"Allrecipes\";\t[1]: <input> \"\";\t[2]: <button> \"Click to search\";\n",
            "C. ", "D. Key Guidelines You MUST follow:");
    }

    [Theory]
    [InlineData(2025, 7, 26, 10, 59, "2025-07-26, 10:00 AM")]
    [InlineData(2025, 7, 26, 22, 5, "2025-07-26, 10:00 PM")]
    [InlineData(2025, 1, 2, 9, 30, "2025-01-02, 09:00 AM")]
    [InlineData(2025, 1, 2, 0, 15, "2025-01-02, 12:00 AM")]
    public void Glm45_time_is_formatted_like_strftime_I_00_p(int y, int mo, int d, int h, int mi, string expected)
    {
        var now = new DateTimeOffset(y, mo, d, h, mi, 0, TimeSpan.FromHours(-5));
        Assert.Equal(expected, Glm45VWebPromptBuilder.FormatTime(now));
        var context = new GuiPromptContext { Task = "t", Current = new(Png(8, 8, 1)), Now = now, WebsiteUrl = "u" };
        Assert.Contains($"The current time is {expected}.", Text(SingleUser(new Glm45VWebPromptBuilder().Build(context))));
    }

    [Theory, MemberData(nameof(Builders))]
    public void History_shows_the_last_15_steps_numbered_from_zero(string version)
    {
        var history = Enumerable.Range(0, 20).Select(i => Step(i, GuiProtocol.GlmVWeb,
            $"Thought: thought-{i:00}\nAction: Scroll [WINDOW]; [down]\nMemory_Updated: {{\"seen\": {i}}}")).ToList();
        string text = Text(SingleUser(Builder(version).Build(WebContext(history))));
        for (int i = 0; i < 5; i++) Assert.DoesNotContain($"thought-{i:00}", text);
        Assert.Contains("\n" + string.Concat(Enumerable.Range(0, 15).Select(j => $"{j}.Thought:thought-{j + 5:00}\tAction:Scroll [WINDOW]; [down]\tObservation:Success\n")), text);
        Assert.DoesNotContain("\n15.Thought:", text);
        Assert.Contains("Memory:{\"seen\": 19}", text);
        Assert.DoesNotContain("Memory:{\"seen\": 18}", text);
    }

    [Theory, MemberData(nameof(Builders))]
    public void Failures_rejections_and_memory_defaults_are_shown(string version)
    {
        var history = new[]
        {
            Step(0, GuiProtocol.GlmVWeb, Fixture("A-web-click"), outcome: GuiActionOutcome.Failure("element 9 is not on the page")),
            Step(1, GuiProtocol.GlmVWeb, "<think>SECRET-THOUGHT</think>I do not know.", outcome: GuiActionOutcome.Failure("The answer could not be parsed: no 'Action:'")),
        };
        string text = Text(SingleUser(Builder(version).Build(WebContext(history, initialMemory: "{\"user\": \"bob\"}"))));
        Assert.Contains("\n0.Thought:The task is to find a specific GitHub repository. I need to use the search bar to start the search. The search bar is labeled 9.\tAction:Click [9]\tObservation:element 9 is not on the page\n", text);
        Assert.Contains("\n1.Thought:I do not know.\tAction:\tObservation:The answer could not be parsed: no 'Action:'\n", text);
        Assert.DoesNotContain("SECRET-THOUGHT", text);
        // Step 0 updated the memory to {} — the latest Memory_Updated wins over the initial memory.
        Assert.Contains("Memory:{}\n", text);

        string first = Text(SingleUser(Builder(version).Build(WebContext(initialMemory: "{\"user\": \"bob\"}"))));
        Assert.Contains("Memory:{\"user\": \"bob\"}", first);
        Assert.Contains("Memory:{}", Text(SingleUser(Builder(version).Build(WebContext()))));
    }

    [Theory, MemberData(nameof(Builders))]
    public void The_site_falls_back_to_the_page_url(string version)
    {
        string text = Text(SingleUser(Builder(version).Build(WebContext(url: null))));
        Assert.Contains("Please interact with https://www.allrecipes.com/search?q=x and get the answer.", text);
    }

    [Theory, MemberData(nameof(Builders))]
    public void History_actions_parse_back_to_the_same_action(string version)
    {
        var parser = GuiActionParsers.For(GuiProtocol.GlmVWeb);
        var history = FixtureTexts((f, p) => p == "web").Select((text, i) => Step(i, GuiProtocol.GlmVWeb, text)).ToList();
        if (history.Count == 0) Assert.Skip("this fixture set has no web lines in formats/gui_actions.jsonl");
        string text = Text(SingleUser(Builder(version).Build(WebContext(history))));
        foreach (var step in history)
        {
            Assert.NotNull(step.Action);
            var parts = GuiOutputText.SplitWeb(step.ModelOutput);
            Assert.Contains($"\n{step.Index}.Thought:{parts.Thought}\tAction:{parts.Action}\tObservation:Success\n", text);
            var reparsed = parser.Parse($"Thought: {parts.Thought}\nAction: {parts.Action}\nMemory_Updated: {parts.Memory}");
            Assert.True(reparsed.IsSuccess, reparsed.Reason);
            Assert.Equal(Describe(step.Action), Describe(reparsed.Action));
        }
    }
}
