using Glm4vSK.Formats.Gui;
using System.Globalization;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Screens;
using Glm4vSK.Agents.Tests.Support;
using Glm4vSK.Agents.Web;
using Microsoft.Playwright;
using static Glm4vSK.Agents.Tests.Web.WebActions;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// The web executor's safety gate for secrets: password, payment card and one-time-code fields are found through
/// same-origin iframes and shadow roots (by focus and by point), fields in a frame the page cannot inspect are
/// treated as sensitive, and the typed secret is never echoed in the outcome.
/// </summary>
public sealed class WebSensitiveFieldTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Checkout = "/sensitive";
    private const string PasswordReason = "typing into a password field";

    private PlaywrightWebExecutor Executor => fixture.Executor;

    private IPage Page => fixture.Executor.Page;

    private ILocator InLogin(string selector) => Page.FrameLocator("#login").Locator(selector);

    private ILocator InInner(string selector) => Page.FrameLocator("#login").FrameLocator("#inner").Locator(selector);

    private ILocator InSealed(string selector) => Page.FrameLocator("#sealed").Locator(selector);

    /// <summary>The centre of <paramref name="field"/> (page viewport) as a PC <c>[x,y]</c> in thousandths of the screenshot.</summary>
    private static async Task<string> CentreAsync(ILocator field, GuiObservation o)
    {
        var b = await field.BoundingBoxAsync() ?? throw new InvalidOperationException("the field is not visible");
        return string.Create(CultureInfo.InvariantCulture,
            $"[{Math.Round((b.X + b.Width / 2) / o.Screenshot.Width * 1000)},{Math.Round((b.Y + b.Height / 2) / o.Screenshot.Height * 1000)}]");
    }

    /// <summary>A mobile <c>input_text</c> into <paramref name="field"/>'s box (no focus needed: the point decides).</summary>
    private static async Task<GuiAction> MobileInputAsync(ILocator field, GuiObservation o, string text)
    {
        var b = await field.BoundingBoxAsync() ?? throw new InvalidOperationException("the field is not visible");
        double w = o.Screenshot.Width, h = o.Screenshot.Height;
        string box = string.Join(",", new[] { b.X / w, b.Y / h, (b.X + b.Width) / w, (b.Y + b.Height) / h }
            .Select(v => Math.Round(v * 1000).ToString(CultureInfo.InvariantCulture)));
        return MobileAction($"{{\"action_type\": \"input_text\", \"text\": \"{text}\", \"box_2d\": [[{box}]]}}");
    }

    private async Task<GuiObservation> ClickAsync(ILocator field)
    {
        var o = await Executor.ObserveAsync();
        var click = await Executor.ExecuteAsync(PcAction($"left_click(start_box='{await CentreAsync(field, o)}')"), o);
        Assert.True(click.Succeeded, click.Message);
        Assert.True(await field.EvaluateAsync<bool>("el => el.getRootNode().activeElement === el"), "the click focused the field");
        return o;
    }

    [Fact]
    public async Task A_password_field_in_a_same_origin_iframe_is_sensitive_after_a_click_and_the_secret_is_not_echoed()
    {
        await fixture.ResetAsync(Checkout);
        var o = await ClickAsync(InLogin("#pw"));
        var type = PcAction("type(content='hunter2')");

        Assert.Equal(PasswordReason, await Executor.GetSensitivityAsync(type, o));
        var typed = await Executor.ExecuteAsync(type, o);
        Assert.True(typed.Succeeded, typed.Message);
        Assert.Equal("hunter2", await InLogin("#pw").InputValueAsync());
        Assert.Contains("typed 7 characters", typed.Message);
        Assert.DoesNotContain("hunter2", typed.Message);

        await ClickAsync(InLogin("#user"));
        Assert.Null(await Executor.GetSensitivityAsync(PcAction("type(content='alice')"), o));
    }

    [Fact]
    public async Task Focus_and_points_are_followed_through_nested_frames_and_shadow_roots()
    {
        await fixture.ResetAsync(Checkout);
        var o = await ClickAsync(InInner("#pin"));
        Assert.Equal(PasswordReason, await Executor.GetSensitivityAsync(PcAction("type(content='1234')"), o));
        await ClickAsync(InInner("#note"));
        Assert.Null(await Executor.GetSensitivityAsync(PcAction("type(content='hello')"), o));

        // By point (mobile input_text clicks its box, then types): the hit test goes through the frames' borders
        // and padding and into the shadow root.
        Assert.Equal(PasswordReason, await Executor.GetSensitivityAsync(await MobileInputAsync(InInner("#pin"), o, "1234"), o));
        Assert.Equal(PasswordReason, await Executor.GetSensitivityAsync(await MobileInputAsync(InLogin("#pw"), o, "pw"), o));
        Assert.Null(await Executor.GetSensitivityAsync(await MobileInputAsync(InInner("#note"), o, "hello"), o));
        Assert.Null(await Executor.GetSensitivityAsync(await MobileInputAsync(InLogin("#user"), o, "alice"), o));

        var typed = await Executor.ExecuteAsync(await MobileInputAsync(InInner("#pin"), o, "4321"), o);
        Assert.True(typed.Succeeded, typed.Message);
        Assert.Equal("4321", await InInner("#pin").InputValueAsync());
        Assert.DoesNotContain("4321", typed.Message);
    }

    [Theory]
    [InlineData("#card", "Card number", "typing into a payment card field")]
    [InlineData("#csc", "Security code", "typing into a payment card field")]
    [InlineData("#exp", "Expiry", "typing into a payment card field")]
    [InlineData("#holder", "Name on card", "typing into a payment card field")]
    [InlineData("#otp", "Code from SMS", "typing into a one-time code field")]
    [InlineData("#newpw", "Choose a password", PasswordReason)]
    public async Task Card_one_time_code_and_password_autocomplete_fields_are_sensitive(string id, string placeholder, string reason)
    {
        await fixture.ResetAsync(Checkout);
        var o = await Executor.ObserveAsync();
        int label = o.Elements.Single(e => e.Text == placeholder).Label;
        var byLabel = WebAction($"Type [{label}]; [4111111111111111]");

        Assert.Equal(reason, await Executor.GetSensitivityAsync(byLabel, o));
        await Page.FocusAsync(id);
        Assert.Equal(reason, await Executor.GetSensitivityAsync(PcAction("type(content='4111111111111111')"), o));
        var typed = await Executor.ExecuteAsync(byLabel, o);
        Assert.True(typed.Succeeded, typed.Message);
        Assert.Equal("4111111111111111", await Page.InputValueAsync(id));
        Assert.Contains("typed 16 characters", typed.Message);
        Assert.DoesNotContain("4111", typed.Message);

        int name = o.Elements.Single(e => e.Text == "Your name").Label;
        Assert.Null(await Executor.GetSensitivityAsync(WebAction($"Type [{name}]; [Alice]"), o));
    }

    [Fact]
    public async Task Typing_into_a_frame_the_page_cannot_inspect_is_sensitive_and_not_echoed()
    {
        await fixture.ResetAsync(Checkout);
        // Even a plain field: the executor cannot see inside a cross-origin (here sandboxed, opaque-origin) frame.
        var o = await ClickAsync(InSealed("#query"));
        string? byFocus = await Executor.GetSensitivityAsync(PcAction("type(content='top secret')"), o);
        Assert.NotNull(byFocus);
        Assert.Contains("could not be inspected", byFocus);
        string? byPoint = await Executor.GetSensitivityAsync(await MobileInputAsync(InSealed("#secret"), o, "pw"), o);
        Assert.NotNull(byPoint);
        Assert.Contains("could not be inspected", byPoint);

        var typed = await Executor.ExecuteAsync(PcAction("type(content='top secret')"), o);
        Assert.True(typed.Succeeded, typed.Message);
        Assert.Equal("top secret", await InSealed("#query").InputValueAsync());
        Assert.Contains("typed 10 characters", typed.Message);
        Assert.DoesNotContain("top secret", typed.Message);
    }

    [Fact]
    public async Task Typing_is_refused_when_the_focus_moved_to_a_secret_field_after_the_check()
    {
        await fixture.ResetAsync(Checkout);
        var o = await Executor.ObserveAsync();
        await Page.FocusAsync("#name");
        var type = PcAction("type(content='hunter2')");
        Assert.Null(await Executor.GetSensitivityAsync(type, o));

        // The page moves the focus into the login frame's password field between the check and the typing.
        await InLogin("#pw").FocusAsync();
        var outcome = await Executor.ExecuteAsync(type, o);

        Assert.False(outcome.Succeeded, outcome.Message);
        Assert.Contains("not typed", outcome.Message);
        Assert.DoesNotContain("hunter2", outcome.Message);
        Assert.Equal("", await InLogin("#pw").InputValueAsync());
        Assert.Equal("", await Page.InputValueAsync("#name"));
    }

    [Fact]
    public async Task The_agent_asks_before_typing_into_a_password_field_it_clicked_in_an_iframe()
    {
        await fixture.ResetAsync(Checkout);
        var first = await Executor.ObserveAsync();
        string at = await CentreAsync(InLogin("#pw"), first);
        static string Reply(string call) => $"<think>Next step.</think><answer>I act on the page. <|begin_of_box|>{call}<|end_of_box|>\nMemory:\n[]</answer>";
        var client = new ScriptedChatClient(Reply($"left_click(start_box='{at}', element_info='Password')"), Reply("type(content='hunter2')"));
        SensitiveActionRequest? asked = null;
        var options = new GuiAgentOptions
        {
            MaxSteps = 4,
            DelayAfterAction = TimeSpan.Zero,
            ConfirmSensitiveAction = (r, _) => { asked = r; return ValueTask.FromResult(false); },
        };

        var run = await new GuiAgent(client, new Glm45VPcPromptBuilder(), Executor, options).RunAsync("log in with password hunter2");

        Assert.Equal(GuiAgentStatus.Declined, run.Status);
        Assert.True(run.Steps[0].Executed && run.Steps[0].Outcome!.Succeeded, run.Steps[0].Outcome?.Message);
        Assert.NotNull(asked);
        Assert.Equal(PasswordReason, asked.Reason);
        Assert.Equal("", await InLogin("#pw").InputValueAsync());
    }
}
