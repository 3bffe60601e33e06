using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;
using Glm4vSK.Agents.Web;

namespace Glm4vSK.Agents.Tests.Web;

public sealed class PlaywrightWebExecutorTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private PlaywrightWebExecutor Executor => browser.Executor;

    private static GuiAction Web(string action) =>
        GlmVWebParser.Instance.Parse($"Thought: test\nAction: {action}\nMemory_Updated: {{}}").Action ?? throw new InvalidOperationException(action);

    private static GuiAction Pc(string call) =>
        GlmVPcParser.Instance.Parse($"Go. <|begin_of_box|>{call}<|end_of_box|>\nMemory:\n[]").Action ?? throw new InvalidOperationException(call);

    private static GuiElement Find(GuiObservation o, string tag, string text) =>
        o.Elements.Single(e => e.Tag == tag && e.Text == text);

    [Fact]
    public async Task Observation_labels_the_visible_interactive_elements_with_their_real_bounds()
    {
        await browser.ResetAsync();
        var o = await Executor.ObserveAsync();
        Assert.Equal((1000, 700), (o.Screenshot.Width, o.Screenshot.Height));
        Assert.Equal("image/png", o.Screenshot.MediaType);
        Assert.Equal(browser.Site.BaseUri.ToString(), o.Location);
        // Labels are 0..n-1 in document order; hidden and off-screen elements are not labelled.
        Assert.Equal(Enumerable.Range(0, o.Elements.Count), o.Elements.Select(e => e.Label));
        Assert.Equal(["button", "input", "input", "button", "a"], o.Elements.Select(e => e.Tag));
        Assert.DoesNotContain(o.Elements, e => e.Text is "Invisible" or "Deep button");
        var button = Find(o, "button", "Add to cart");
        var box = await Executor.Page.EvaluateAsync<double[]>("() => { const r = document.getElementById('count').getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }");
        Assert.Equal(box, new[] { button.Bounds.X, button.Bounds.Y, button.Bounds.Width, button.Bounds.Height });
        var search = Find(o, "input", "Search products");
        Assert.Equal("text", search.InputType);
        Assert.True(Find(o, "input", "Password").IsPassword);
        // The overlay was drawn for the screenshot only.
        Assert.False(await Executor.Page.EvaluateAsync<bool>("() => !!document.getElementById('__glm4vsk_som__')"));
    }

    [Fact]
    public async Task Screenshot_shows_the_labels()
    {
        await browser.ResetAsync();
        var marked = await Executor.ObserveAsync();
        await using var plain = new PlaywrightWebExecutor(Executor.Page, new WebExecutorOptions { SetOfMarks = false });
        var unmarked = await plain.ObserveAsync();
        Assert.Empty(unmarked.Elements);
        Assert.False(marked.Screenshot.Data.Span.SequenceEqual(unmarked.Screenshot.Data.Span), "the labelled screenshot differs from the plain one");
    }

    [Fact]
    public async Task Click_by_label_presses_the_button()
    {
        await browser.ResetAsync();
        var o = await Executor.ObserveAsync();
        int label = Find(o, "button", "Add to cart").Label;
        var outcome = await Executor.ExecuteAsync(Web($"Click [{label}]"), o);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains("Add to cart", outcome.Message);
        Assert.Equal(1, await Executor.Page.EvaluateAsync<int>("() => window.clicks || 0"));
        await Executor.ExecuteAsync(Web($"Click [{label}]"), o);
        Assert.Equal("Clicked 2", await Executor.Page.TextContentAsync("#count"));
    }

    [Fact]
    public async Task Type_by_label_replaces_the_text_and_presses_Enter()
    {
        await browser.ResetAsync();
        await Executor.Page.FillAsync("#name", "old text");
        var o = await Executor.ObserveAsync();
        int label = Find(o, "input", "Search products").Label;
        Assert.Null(await Executor.GetSensitivityAsync(Web($"Type [{label}]; [red shoes]"), o));
        var outcome = await Executor.ExecuteAsync(Web($"Type [{label}]; [red shoes]"), o);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("red shoes", await Executor.Page.InputValueAsync("#name"));
        Assert.Equal("red shoes", await Executor.Page.EvaluateAsync<string>("() => window.submitted"));
    }

    [Fact]
    public async Task Typing_into_a_password_field_is_sensitive_by_label_point_and_focus()
    {
        await browser.ResetAsync();
        var o = await Executor.ObserveAsync();
        var pw = Find(o, "input", "Password");
        Assert.Equal("typing into a password field", await Executor.GetSensitivityAsync(Web($"Type [{pw.Label}]; [hunter2]"), o));
        // A mobile-style input_text at the field's box (thousandths of the screenshot).
        var (x1, y1) = (pw.Bounds.X / 1000 * 1000, pw.Bounds.Y / 700 * 1000);
        var (x2, y2) = ((pw.Bounds.X + pw.Bounds.Width) / 1000 * 1000, (pw.Bounds.Y + pw.Bounds.Height) / 700 * 1000);
        var mobile = GlmVMobileParser.Instance.Parse(
            $"Memory: None\nReason: r\nAction: {{\"action_type\": \"input_text\", \"text\": \"x\", \"box_2d\": [[{(int)x1},{(int)y1},{(int)x2},{(int)y2}]], \"override\": true}}").Action!;
        Assert.Equal("typing into a password field", await Executor.GetSensitivityAsync(mobile, o));
        // PC type() has no point: the focused element decides.
        await Executor.Page.FocusAsync("#pw");
        Assert.NotNull(await Executor.GetSensitivityAsync(Pc("type(content='hunter2')"), o));
        await Executor.Page.FocusAsync("#name");
        Assert.Null(await Executor.GetSensitivityAsync(Pc("type(content='hunter2')"), o));
    }

    [Fact]
    public async Task Scroll_window_down_and_up_moves_the_page()
    {
        await browser.ResetAsync();
        var o = await Executor.ObserveAsync();
        var outcome = await Executor.ExecuteAsync(Web("Scroll [WINDOW]; [down]"), o);
        Assert.True(outcome.Succeeded, outcome.Message);
        await Executor.Page.WaitForFunctionAsync("() => window.scrollY > 0");
        double y = await Executor.Page.EvaluateAsync<double>("() => window.scrollY");
        Assert.InRange(y, 300, 700);
        // After scrolling, the deep button is on screen and gets a label.
        await Executor.ExecuteAsync(Web("Scroll [WINDOW]; [down]"), o);
        await Executor.Page.WaitForFunctionAsync($"() => window.scrollY > {y}");
        var later = await Executor.ObserveAsync();
        Assert.Contains(later.Elements, e => e.Text == "Deep button");
        await Executor.ExecuteAsync(Web("Scroll [WINDOW]; [up]"), later);
        await Executor.Page.WaitForFunctionAsync($"() => window.scrollY < {y + 1}");
    }

    [Fact]
    public async Task Link_click_then_GoBack_returns_to_the_first_page()
    {
        await browser.ResetAsync();
        var o = await Executor.ObserveAsync();
        var clicked = await Executor.ExecuteAsync(Web($"Click [{Find(o, "a", "Second page").Label}]"), o);
        Assert.True(clicked.Succeeded, clicked.Message);
        await PageUrl.WaitForAsync(Executor.Page, browser.Site["/second"].AbsoluteUri, () => $"{clicked.Message}; requests {string.Join(",", browser.Site.Requests)}");
        var second = await Executor.ObserveAsync();
        Assert.EndsWith("/second", second.Location);
        var back = await Executor.ExecuteAsync(Web("GoBack"), second);
        Assert.True(back.Succeeded, back.Message);
        Assert.Equal(browser.Site.BaseUri.ToString(), Executor.Page.Url);
    }

    [Fact]
    public async Task Outside_urls_are_never_fetched_and_Bing_is_refused()
    {
        await browser.ResetAsync();
        var o = await Executor.ObserveAsync();
        var outcome = await Executor.ExecuteAsync(Web("Bing"), o);
        Assert.False(outcome.Succeeded);
        Assert.Contains("not allowed", outcome.Message);
        Assert.StartsWith(browser.Site.BaseUri.ToString(), Executor.Page.Url);
        // Any request to another origin is blocked at the request level, for every page of the browser: a page load is
        // cancelled (the page stays where it was, no error page) and recorded; other requests fail as blocked by the client.
        var other = await Executor.Page.Context.NewPageAsync();
        try
        {
            await Assert.ThrowsAnyAsync<Microsoft.Playwright.PlaywrightException>(() => other.GotoAsync("https://example.com/"));
            Assert.Equal("about:blank", other.Url);
            Assert.Contains("https://example.com/", Executor.BlockedNavigations);
            var failed = new TaskCompletionSource<string?>();
            other.RequestFailed += (_, r) => { if (r.Url.StartsWith("https://example.com/", StringComparison.Ordinal)) failed.TrySetResult(r.Failure); };
            string fetched = await other.EvaluateAsync<string>("() => fetch('https://example.com/data.json').then(() => 'fetched', e => 'failed')");
            Assert.Equal("failed", fetched);
            Assert.Contains("ERR_BLOCKED_BY_CLIENT", await failed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await other.CloseAsync();
        }
    }

    [Fact]
    public async Task Coordinate_actions_from_the_PC_protocol_work_on_the_page()
    {
        await browser.ResetAsync();
        var o = await Executor.ObserveAsync();
        var b = Find(o, "button", "Add to cart").Bounds;
        // The button's centre in thousandths of the 1000×700 screenshot.
        int x = (int)Math.Round((b.X + b.Width / 2) / 1000 * 1000), y = (int)Math.Round((b.Y + b.Height / 2) / 700 * 1000);
        var outcome = await Executor.ExecuteAsync(Pc($"left_click(start_box='[{x},{y}]', element_info='Add to cart')"), o);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(1, await Executor.Page.EvaluateAsync<int>("() => window.clicks || 0"));
        await Executor.Page.FocusAsync("#name");
        await Executor.ExecuteAsync(Pc("type(content='abc')"), o);
        await Executor.ExecuteAsync(Pc("key(keys='ctrl+a')"), o);
        await Executor.ExecuteAsync(Pc("key(keys='backspace')"), o);
        await Executor.ExecuteAsync(Pc("type(content='xyz')"), o);
        Assert.Equal("xyz", await Executor.Page.InputValueAsync("#name"));
        var scroll = await Executor.ExecuteAsync(Pc("scroll(start_box='[500,500]', direction='down', step=3)"), o);
        Assert.True(scroll.Succeeded);
        await Executor.Page.WaitForFunctionAsync("() => window.scrollY >= 299");
    }

    [Fact]
    public async Task Unknown_labels_bad_keys_and_phone_actions_fail_with_a_clear_message()
    {
        await browser.ResetAsync();
        var o = await Executor.ObserveAsync();
        var click = await Executor.ExecuteAsync(Web("Click [99]"), o);
        Assert.False(click.Succeeded);
        Assert.Contains("[99]", click.Message);
        var key = await Executor.ExecuteAsync(Pc("key(keys='ctrl+nosuchkey')"), o);
        Assert.False(key.Succeeded);
        var home = await Executor.ExecuteAsync(AutoGlmPhoneParser.Instance.Parse("do(action=\"Home\")").Action!, o);
        Assert.False(home.Succeeded);
        Assert.Contains("not supported on the web", home.Message);
        Assert.Equal(0, await Executor.Page.EvaluateAsync<int>("() => window.clicks || 0"));
    }

    [Fact]
    public async Task A_missing_browser_is_a_typed_error_naming_the_path()
    {
        var ex = await Assert.ThrowsAsync<WebExecutorException>(() =>
            PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions { ExecutablePath = "/nonexistent/chromium" }));
        Assert.Contains("/nonexistent/chromium", ex.Message);
        Assert.Contains("apt-get install chromium", ex.Message);
        GuiExecutorException broke = ex;
        Assert.Equal(GuiPlatform.Web, broke.Platform);
        Assert.Null(broke.ExitCode);
        Assert.Null(broke.StandardError);
    }
}
