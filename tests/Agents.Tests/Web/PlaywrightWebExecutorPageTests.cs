using System.Globalization;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;
using Glm4vSK.Agents.Web;
using Microsoft.Playwright;
using SkiaSharp;
using static Glm4vSK.Agents.Tests.Web.WebActions;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// <see cref="PlaywrightWebExecutor"/> against a local site in headless Chromium (apt-get install chromium): set-of-marks
/// observations checked against the DOM, and every action checked by its effect on the page.
/// </summary>
public sealed class PlaywrightWebExecutorPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Home = "/executor";

    private PlaywrightWebExecutor Executor => fixture.Executor;

    private IPage Page => fixture.Executor.Page;

    /// <summary>The elements the main page should label, in document order: id, tag, text, input type.</summary>
    private static readonly (string Id, string Tag, string Text, string? InputType)[] ExpectedMainElements =
    [
        ("inc", "button", "Increment", null),
        ("name", "input", "Your name", "text"),
        ("pass", "input", "Password", "password"),
        ("next", "a", "Go to the second page", null),
        ("inner", "button", "Inner button", null),
        ("external", "a", "Example site", null),
        ("colour", "select", "Red", null),
    ];

    [Fact]
    public async Task Observe_LabelsTheVisibleInteractiveElements_InDocumentOrder_WithDomBounds()
    {
        string url = await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();

        Assert.Equal(url, observation.Location);
        Assert.Equal(ExpectedMainElements.Length, observation.Elements.Count);
        for (int i = 0; i < ExpectedMainElements.Length; i++)
        {
            var (id, tag, text, inputType) = ExpectedMainElements[i];
            var element = observation.Elements[i];
            Assert.Equal(i, element.Label);
            Assert.Equal(tag, element.Tag);
            Assert.Equal(text, element.Text);
            Assert.Equal(inputType, element.InputType);
            double[] rect = await RectAsync(id);
            Assert.Equal(rect[0], element.Bounds.X, 3);
            Assert.Equal(rect[1], element.Bounds.Y, 3);
            Assert.Equal(rect[2], element.Bounds.Width, 3);
            Assert.Equal(rect[3], element.Bounds.Height, 3);
        }
        Assert.True(observation.Elements[2].IsPassword);
        Assert.DoesNotContain(observation.Elements, e => e.Text is "Hidden button" or "Far below" or "Agent test page");
        Assert.True(await Page.EvaluateAsync<bool>($"() => document.getElementById('{SetOfMarks.OverlayId}') === null"),
            "the set-of-marks overlay must be removed after the screenshot");
    }

    [Fact]
    public async Task Observe_ScreenshotIsAViewportPng_WithLabelsDrawnOverThePage()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();
        byte[] plain = await Page.ScreenshotAsync();

        var shot = observation.Screenshot;
        Assert.Equal("image/png", shot.MediaType);
        Assert.Equal((BrowserFixture.ViewportWidth, BrowserFixture.ViewportHeight), (shot.Width, shot.Height));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], shot.Data[..4].ToArray());

        using var marked = SKBitmap.Decode(shot.Data.ToArray());
        using var clean = SKBitmap.Decode(plain);
        Assert.Equal((shot.Width, shot.Height), (marked.Width, marked.Height));
        // Label [0] sits just above the Increment button's top-left corner (100, 60) on white page background.
        var button = observation.Elements[0].Bounds;
        int x = (int)button.X + 3, y = (int)button.Y - 7;
        var before = clean.GetPixel(x, y);
        var after = marked.GetPixel(x, y);
        Assert.True(before.Red > 240 && before.Green > 240 && before.Blue > 240, $"expected page background at ({x}, {y}), got {before}");
        Assert.False(after.Red > 240 && after.Green > 240 && after.Blue > 240, $"expected a label at ({x}, {y}), got {after}");
        // Elsewhere the two screenshots agree.
        Assert.Equal(clean.GetPixel(950, 600), marked.GetPixel(950, 600));
    }

    [Fact]
    public async Task Click_ByLabel_IncrementsTheCounter()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();
        int label = LabelOf(observation, "Increment");

        var outcome = await Executor.ExecuteAsync(WebAction($"Click [{label}]"), observation);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains($"[{label}] <button> \"Increment\"", outcome.Message);
        Assert.Equal("1", await Page.TextContentAsync("#count"));

        outcome = await Executor.ExecuteAsync(WebAction($"Click {label}"), await Executor.ObserveAsync());
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("2", await Page.TextContentAsync("#count"));
    }

    [Fact]
    public async Task Click_AtPcCoordinatesInThousandths_HitsTheButton()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();
        double[] rect = await RectAsync("inc");
        int tx = (int)Math.Round((rect[0] + rect[2] / 2) / observation.Screenshot.Width * 1000);
        int ty = (int)Math.Round((rect[1] + rect[3] / 2) / observation.Screenshot.Height * 1000);

        var outcome = await Executor.ExecuteAsync(PcAction($"left_click(start_box='[{tx},{ty}]')"), observation);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains("<button> \"Increment\"", outcome.Message);
        Assert.Equal("1", await Page.TextContentAsync("#count"));
    }

    [Fact]
    public async Task Click_UnknownLabel_FailsNamingTheLabel()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();

        var outcome = await Executor.ExecuteAsync(WebAction("Click [99]"), observation);

        Assert.False(outcome.Succeeded);
        Assert.Contains("[99]", outcome.Message);
        Assert.Contains($"0 to {observation.Elements.Count - 1}", outcome.Message);
        Assert.Equal("0", await Page.TextContentAsync("#count"));
    }

    [Fact]
    public async Task Type_ByLabel_ReplacesTheValueAndPressesEnter()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();
        int label = LabelOf(observation, "Your name");
        Assert.Equal("old text", await Page.InputValueAsync("#name"));

        var outcome = await Executor.ExecuteAsync(WebAction($"Type [{label}]; [hello world]"), observation);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains("hello world", outcome.Message);
        Assert.Equal("hello world", await Page.InputValueAsync("#name"));
        Assert.Equal(1, await Page.EvaluateAsync<int>("() => window.enterPressed || 0"));
        Assert.Equal(1, await Page.EvaluateAsync<int>("() => window.submitted || 0"));
        Assert.Equal("hello world", await Page.EvaluateAsync<string>("() => window.submittedValue"));
    }

    [Fact]
    public async Task Type_IntoSelect_ChoosesTheMatchingOption()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();
        int label = LabelOf(observation, "Red");

        var outcome = await Executor.ExecuteAsync(WebAction($"Type [{label}]; [green]"), observation);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("Green", await Page.InputValueAsync("#colour"));
        var missing = await Executor.ExecuteAsync(WebAction($"Type [{label}]; [Purple]"), await Executor.ObserveAsync());
        Assert.False(missing.Succeeded);
        Assert.Contains("\"Blue\"", missing.Message);
    }

    [Fact]
    public async Task Type_IntoPasswordField_IsSensitive_AndTheSecretIsNotEchoed()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();
        var intoPassword = WebAction($"Type [{LabelOf(observation, "Password")}]; [hunter2]");
        var intoName = WebAction($"Type [{LabelOf(observation, "Your name")}]; [Alice]");

        Assert.Equal("typing into a password field", await Executor.GetSensitivityAsync(intoPassword, observation));
        Assert.Null(await Executor.GetSensitivityAsync(intoName, observation));
        Assert.Null(await Executor.GetSensitivityAsync(WebAction($"Click [{LabelOf(observation, "Password")}]"), observation));

        var outcome = await Executor.ExecuteAsync(intoPassword, observation);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("hunter2", await Page.InputValueAsync("#pass"));
        Assert.DoesNotContain("hunter2", outcome.Message);

        // Mobile input_text at the password box, by coordinates.
        double[] rect = await RectAsync("pass");
        var box = string.Join(", ", new[] { rect[0], rect[1], rect[0] + rect[2], rect[1] + rect[3] }
            .Select((v, i) => ((int)Math.Round(v / (i % 2 == 0 ? observation.Screenshot.Width : observation.Screenshot.Height) * 1000)).ToString(CultureInfo.InvariantCulture)));
        var mobile = MobileAction($"{{\"action_type\": \"input_text\", \"text\": \"pw\", \"box_2d\": [[{box}]]}}");
        Assert.Equal("typing into a password field", await Executor.GetSensitivityAsync(mobile, observation));

        // PC type has no target: the focused element counts (the password field still has focus).
        Assert.Equal("typing into a password field", await Executor.GetSensitivityAsync(PcAction("type(content='hunter3')"), observation));
        await Page.FocusAsync("#name");
        Assert.Null(await Executor.GetSensitivityAsync(PcAction("type(content='Alice')"), observation));
    }

    [Fact]
    public async Task Sensitivity_IsCheckedInTheDomAtExecutionTime()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();
        var action = WebAction($"Type [{LabelOf(observation, "Your name")}]; [secret]");
        Assert.Null(await Executor.GetSensitivityAsync(action, observation));

        await Page.EvaluateAsync("() => { document.getElementById('name').type = 'password'; }");

        Assert.Equal("typing into a password field", await Executor.GetSensitivityAsync(action, observation));
    }

    [Fact]
    public async Task PcTypeAndKeys_GoToTheFocusedElement()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();
        Assert.True((await Executor.ExecuteAsync(WebAction($"Click [{LabelOf(observation, "Your name")}]"), observation)).Succeeded);

        var select = await Executor.ExecuteAsync(PcAction("key(keys='ctrl+a')"), observation);
        Assert.True(select.Succeeded, select.Message);
        Assert.True((await Executor.ExecuteAsync(PcAction("key(keys='backspace')"), observation)).Succeeded);
        var typed = await Executor.ExecuteAsync(PcAction("type(content='typed by the PC protocol')"), observation);
        Assert.True(typed.Succeeded, typed.Message);
        Assert.Equal("typed by the PC protocol", await Page.InputValueAsync("#name"));
        Assert.Equal(0, await Page.EvaluateAsync<int>("() => window.enterPressed || 0"));

        var enter = await Executor.ExecuteAsync(WebAction("Key; [Return]"), observation);
        Assert.True(enter.Succeeded, enter.Message);
        Assert.Equal(1, await Page.EvaluateAsync<int>("() => window.enterPressed || 0"));

        var unknown = await Executor.ExecuteAsync(PcAction("key(keys='ctrl+nosuchkey')"), observation);
        Assert.False(unknown.Succeeded);
        Assert.Contains("nosuchkey", unknown.Message);
    }

    [Fact]
    public async Task Scroll_Window_MovesScrollY_AndAnElementScrollsItsBox()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();

        var down = await Executor.ExecuteAsync(WebAction("Scroll [WINDOW]; [down]"), observation);
        Assert.True(down.Succeeded, down.Message);
        double scrolled = await Page.EvaluateAsync<double>("() => window.scrollY");
        Assert.True(scrolled > 100, $"scrollY = {scrolled}");

        var up = await Executor.ExecuteAsync(WebAction("Scroll [WINDOW]; [up]"), await Executor.ObserveAsync());
        Assert.True(up.Succeeded, up.Message);
        Assert.Equal(0, await Page.EvaluateAsync<double>("() => window.scrollY"));
        var atTop = await Executor.ExecuteAsync(WebAction("Scroll [WINDOW]; [up]"), await Executor.ObserveAsync());
        Assert.False(atTop.Succeeded);
        Assert.Contains("top", atTop.Message);

        observation = await Executor.ObserveAsync();
        var box = await Executor.ExecuteAsync(WebAction($"Scroll [{LabelOf(observation, "Inner button")}]; [down]"), observation);
        Assert.True(box.Succeeded, box.Message);
        Assert.True(await Page.EvaluateAsync<double>("() => document.getElementById('area').scrollTop") > 50);
        Assert.Equal(0, await Page.EvaluateAsync<double>("() => window.scrollY"));
    }

    [Fact]
    public async Task PcScrollAndMobileSwipe_ScrollThePage()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();

        var scroll = await Executor.ExecuteAsync(PcAction("scroll(start_box='[100, 900]', direction='down', step=3)"), observation);
        Assert.True(scroll.Succeeded, scroll.Message);
        await Page.WaitForFunctionAsync("() => window.scrollY >= 300");

        await fixture.ResetAsync(Home);
        observation = await Executor.ObserveAsync();
        // The finger moves up: the content moves up, the page scrolls down.
        var swipe = await Executor.ExecuteAsync(MobileAction("{\"action_type\": \"swipe\", \"direction\": \"up\"}"), observation);
        Assert.True(swipe.Succeeded, swipe.Message);
        await Page.WaitForFunctionAsync("() => window.scrollY > 100");
    }

    [Fact]
    public async Task GoBack_ReturnsToTheFirstPage()
    {
        string first = await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();

        var click = await Executor.ExecuteAsync(WebAction($"Click [{LabelOf(observation, "Go to the second page")}]"), observation);
        Assert.True(click.Succeeded, click.Message);
        await PageUrl.WaitForAsync(Page, fixture.Url("/executor/second"), () => $"site requests {string.Join(",", fixture.Site.Requests)}");
        var second = await Executor.ObserveAsync();
        Assert.Equal("Second page", await Page.EvaluateAsync<string>("() => document.title"));
        Assert.Equal(fixture.Url("/executor/second"), second.Location);
        Assert.Contains(second.Elements, e => e.Text == "Back home");

        var back = await Executor.ExecuteAsync(WebAction("GoBack"), second);

        Assert.True(back.Succeeded, back.Message);
        Assert.Equal(first, Page.Url);
        Assert.Equal("Agent test page", await Page.TitleAsync());
    }

    [Fact]
    public async Task Search_WhenNotAllowed_FailsWithoutNavigating()
    {
        string url = await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();

        var outcome = await Executor.ExecuteAsync(WebAction("Bing"), observation);

        Assert.False(outcome.Succeeded);
        Assert.Contains("https://www.bing.com/", outcome.Message);
        Assert.Contains("not allowed", outcome.Message);
        Assert.Equal(url, Page.Url);
        Assert.DoesNotContain(Executor.BlockedNavigations, u => u.Contains("bing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Click_OnALinkToAnotherSite_IsBlockedInTheBrowser()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();

        var outcome = await Executor.ExecuteAsync(WebAction($"Click [{LabelOf(observation, "Example site")}]"), observation);

        Assert.False(outcome.Succeeded);
        Assert.Contains("https://example.com/", outcome.Message);
        Assert.Contains("https://example.com/", Executor.BlockedNavigations);
        Assert.DoesNotContain("example.com", Page.Url);
        // The page stays on its document (Playwright's own TitleAsync still reports the cancelled load).
        Assert.Equal("Agent test page", await Page.EvaluateAsync<string>("() => document.title"));
        Assert.Equal("0", await Page.TextContentAsync("#count"));
        var after = await Executor.ObserveAsync();
        Assert.Equal(fixture.Url(Home), after.Location);
        Assert.Equal(ExpectedMainElements.Length, after.Elements.Count);
        Assert.False((await Executor.NavigateAsync("https://example.com/other")).Succeeded);
    }

    [Fact]
    public async Task ActionsTheWebCannotDo_FailWithAReason()
    {
        await fixture.ResetAsync(Home);
        var observation = await Executor.ObserveAsync();

        var launch = await Executor.ExecuteAsync(AutoGlmAction("do(action=\"Launch\", app=\"Chrome\")"), observation);
        var home = await Executor.ExecuteAsync(MobileAction("{\"action_type\": \"navigate_home\"}"), observation);

        Assert.False(launch.Succeeded);
        Assert.Contains("not supported on the web", launch.Message);
        Assert.False(home.Succeeded);
        Assert.Contains("not supported on the web", home.Message);
        var wait = await Executor.ExecuteAsync(WebAction("Wait"), observation);
        Assert.True(wait.Succeeded, wait.Message);
    }

    [Fact]
    public async Task WrappedPage_StaysOpen_AndHonoursItsOwnOptions()
    {
        var browser = Page.Context.Browser!;
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 800, Height = 600 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.Url(Home));

        await using (var wrapped = new PlaywrightWebExecutor(page, new WebExecutorOptions
                     {
                         SetOfMarks = false,
                         AllowNavigation = _ => true,
                         SearchUrl = fixture.Site["/executor/search"],
                     }))
        {
            Assert.False(wrapped.OwnsBrowser);
            var observation = await wrapped.ObserveAsync();
            Assert.Empty(observation.Elements);
            Assert.Equal((800, 600), (observation.Screenshot.Width, observation.Screenshot.Height));

            var search = await wrapped.ExecuteAsync(WebAction("Bing"), observation);
            Assert.True(search.Succeeded, search.Message);
            Assert.Equal(fixture.Url("/executor/search"), page.Url);
        }

        Assert.False(page.IsClosed);
        Assert.Equal("Local search", await page.TitleAsync());
    }

    [Fact]
    public async Task Launch_WithAMissingExecutable_SaysHowToInstallChromium()
    {
        var ex = await Assert.ThrowsAsync<WebExecutorException>(() =>
            PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions { ExecutablePath = "/nonexistent/bin/chromium" }));

        Assert.Equal("/nonexistent/bin/chromium", ex.ExecutablePath);
        Assert.Contains("/nonexistent/bin/chromium", ex.Message);
        Assert.Contains("apt-get install chromium", ex.Message);
    }

    private static int LabelOf(GuiObservation observation, string text)
    {
        var matches = observation.Elements.Where(e => e.Text == text).ToList();
        Assert.True(matches.Count == 1,
            $"expected one element \"{text}\", found {matches.Count} in: {string.Join("; ", observation.Elements.Select(e => $"[{e.Label}] <{e.Tag}> \"{e.Text}\""))}");
        return matches[0].Label;
    }

    private Task<double[]> RectAsync(string id) =>
        Page.EvaluateAsync<double[]>("id => { const r = document.getElementById(id).getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }", id);
}
