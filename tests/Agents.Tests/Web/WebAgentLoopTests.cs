using System.Text.RegularExpressions;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// Acceptance: the whole loop on a real headless Chromium — GLM-4.5V web prompt, set-of-marks screenshots, a scripted
/// model that answers in the protocol by reading the element list in the prompt, the Playwright executor — with the
/// page state checked after every step.
/// </summary>
public sealed class WebAgentLoopTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static string LabelOf(IReadOnlyList<ChatMessage> messages, string tag, string text)
    {
        string prompt = string.Concat(messages.SelectMany(m => m.Contents).OfType<TextContent>().Select(t => t.Text));
        var m = Regex.Match(prompt, $@"\[(\d+)\]: <{tag}> ""{Regex.Escape(text)}"";");
        Assert.True(m.Success, $"the prompt lists <{tag}> \"{text}\"");
        return m.Groups[1].Value;
    }

    private static string Reply(string thought, string action) =>
        $"Thought: {thought}\nAction: <|begin_of_box|>{action}<|end_of_box|>\nMemory_Updated: {{\"searched\": \"red shoes\"}}";

    [Fact]
    public async Task Agent_clicks_types_scrolls_and_answers_on_a_real_page()
    {
        await browser.ResetAsync();
        var page = browser.Executor.Page;
        var client = new ScriptedChatClient((messages, i) => i switch
        {
            0 => Reply("Add the item to the cart first.", $"Click [{LabelOf(messages, "button", "Add to cart")}]"),
            1 => Reply("Now search for red shoes.", $"Type [{LabelOf(messages, "input", "Search products")}]; [red shoes]"),
            2 => Reply("Scroll to see the rest of the page.", "Scroll [WINDOW]; [down]"),
            3 => Reply("The deep button is visible now.", $"Click [{LabelOf(messages, "button", "Deep button")}]"),
            4 => "Thought: Everything is done.\nAction: ANSWER; <content>Searched: red shoes</content>\nMemory_Updated: {}",
            _ => throw new InvalidOperationException("no more steps expected"),
        });
        var checks = new Func<Task>[]
        {
            async () => Assert.Equal(1, await page.EvaluateAsync<int>("() => window.clicks || 0")),
            async () =>
            {
                Assert.Equal("red shoes", await page.InputValueAsync("#name"));
                Assert.Equal("Searched: red shoes", await page.TextContentAsync("#status"));
            },
            async () => Assert.True(await page.EvaluateAsync<double>("() => window.scrollY") > 200),
            async () => Assert.True(await page.EvaluateAsync<bool>("() => window.deep === true")),
            () => Task.CompletedTask,
        };
        var options = new GuiAgentOptions
        {
            MaxSteps = 8,
            DelayAfterAction = TimeSpan.FromMilliseconds(150),
            WebsiteUrl = browser.Site.BaseUri.ToString(),
            OnStep = async (step, _) => await checks[step.Index](),
        };
        var agent = new GuiAgent(client, new Glm45VWebPromptBuilder(), browser.Executor, options);
        var run = await agent.RunAsync("Add an item to the cart, search for red shoes, press the deep button and report the search status.");

        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.Equal("Searched: red shoes", run.Answer);
        Assert.Equal(5, run.Steps.Count);
        Assert.All(run.Steps.Take(4), s => Assert.True(s.Executed && s.Outcome!.Succeeded, s.Outcome?.Message));
        // Every model call saw one labelled screenshot of the viewport.
        Assert.All(client.Requests, r =>
        {
            var images = r.Messages.SelectMany(m => m.Contents).OfType<DataContent>().ToList();
            Assert.Single(images);
            Assert.Equal("image/png", images[0].MediaType);
        });
        // The deep button only got a label once the page had scrolled.
        Assert.DoesNotContain("Deep button", string.Concat(client.Requests[0].Messages.SelectMany(m => m.Contents).OfType<TextContent>().Select(t => t.Text)));

        // The HTML report marks the first click at the button's centre.
        string html = GuiAgentReport.ToHtml(run);
        var button = run.Steps[0].Observation!.Elements.Single(e => e.Text == "Add to cart");
        var (cx, cy) = button.Bounds.Center;
        Assert.Contains($"cx=\"{cx:0.##}\" cy=\"{cy:0.##}\"", html);
        string dir = Path.Combine(Path.GetTempPath(), "glm4vsk-web-run-" + Guid.NewGuid().ToString("N"));
        try
        {
            await run.SaveAsync(dir);
            Assert.True(new FileInfo(Path.Combine(dir, "report.html")).Length > 10_000);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Typing_a_password_asks_first_and_a_refusal_leaves_the_field_empty()
    {
        await browser.ResetAsync();
        var page = browser.Executor.Page;
        SensitiveActionRequest? asked = null;
        var client = new ScriptedChatClient((messages, _) => Reply("Log in.", $"Type [{LabelOf(messages, "input", "Password")}]; [hunter2]"));
        var options = new GuiAgentOptions
        {
            DelayAfterAction = TimeSpan.Zero,
            ConfirmSensitiveAction = (r, _) => { asked = r; return ValueTask.FromResult(false); },
        };
        var run = await new GuiAgent(client, new Glm45VWebPromptBuilder(), browser.Executor, options).RunAsync("log in");
        Assert.Equal(GuiAgentStatus.Declined, run.Status);
        Assert.Equal("typing into a password field", asked!.Reason);
        Assert.Equal("", await page.InputValueAsync("#pw"));
    }
}
