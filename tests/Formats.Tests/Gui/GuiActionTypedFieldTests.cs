using Glm4vSK.Formats.Gui;

namespace Glm4vSK.Formats.Tests.Gui;

/// <summary>
/// Each typed field of <see cref="GuiAction"/> is filled by one rule from every protocol's own spelling, so executors
/// never read <see cref="GuiAction.Args"/>.
/// </summary>
public sealed class GuiActionTypedFieldTests
{
    private const GuiProtocol Mobile = GuiProtocol.GlmVMobile, Pc = GuiProtocol.GlmVPc, Web = GuiProtocol.GlmVWeb, AutoGlm = GuiProtocol.AutoGlmPhone;

    private static GuiAction Ok(GuiProtocol protocol, string text)
    {
        var r = GuiActionParsers.For(protocol).Parse(text);
        Assert.True(r.IsSuccess, r.ToString());
        return r.Action;
    }

    private static string M(string dict) => $"Memory: None\nReason: r\nAction: {dict}";
    private static string P(string call) => $"<|begin_of_box|>{call}<|end_of_box|>";
    private static string W(string action) => $"Thought: t\nAction: {action}\nMemory_Updated: {{}}";

    public static TheoryData<GuiProtocol, string, string?, bool, bool> Typing() => new()
    {
        { Mobile, M("{\"action_type\": \"input_text\", \"text\": \"hi\", \"override\": true, \"box_2d\": [[1,2,3,4]]}"), "hi", true, true },
        { Mobile, M("{\"action_type\": \"input_text\", \"text\": \"hi\", \"box_2d\": [[1,2,3,4]]}"), "hi", false, true },
        { Pc, P("type(content='a b')"), "a b", false, false },
        { Web, W("Type [3]; [a b]"), "a b", true, true },
        { AutoGlm, "do(action=\"Type\", text=\"a b\")", "a b", true, false },
    };

    [Theory, MemberData(nameof(Typing))]
    public void Typing_fills_text_replace_and_enter(GuiProtocol protocol, string output, string? text, bool replace, bool enter)
    {
        var a = Ok(protocol, output);
        Assert.Equal(GuiActionKind.TypeText, a.Kind);
        Assert.Equal((text, replace, enter), (a.Text, a.ReplaceText, a.PressEnter));
        Assert.Null(a.Message);
    }

    [Theory]
    [InlineData(Pc, "<|begin_of_box|>key(keys='ctrl+s')<|end_of_box|>", "ctrl+s")]
    [InlineData(Web, "Thought: t\nAction: Key; [Return]\nMemory_Updated: {}", "Return")]
    [InlineData(Mobile, "Memory: None\nReason: r\nAction: {\"action_type\": \"keyboard_enter\"}", "Enter")]
    public void Keys_come_from_each_protocols_key_action(GuiProtocol protocol, string output, string keys)
    {
        var a = Ok(protocol, output);
        Assert.Equal(GuiActionKind.Key, a.Kind);
        Assert.Equal(keys, a.Keys);
        Assert.Null(a.Text);
    }

    [Fact]
    public void Mobile_box_is_kept_and_the_point_is_its_centre()
    {
        var a = Ok(Mobile, M("{\"action_type\": \"long_press\", \"box_2d\": [[100,200,300,600]]}"));
        Assert.Equal(new GuiBox(100, 200, 300, 600), a.Box);
        Assert.Equal(new GuiPoint(200, 400), a.Point);
        var (tl, br) = a.Box!.Value.ToPixels(1000, 2000);
        Assert.Equal((new PixelPoint(100, 400), new PixelPoint(300, 1200)), (tl, br));
        // A box written right-to-left still gives left ≤ right in pixels.
        var (l, r) = new GuiBox(300, 600, 100, 200).ToPixels(1000, 2000);
        Assert.Equal((new PixelPoint(100, 400), new PixelPoint(300, 1200)), (l, r));
    }

    [Theory]
    [InlineData(Pc, "<|begin_of_box|>scroll(start_box='[5,6]', direction='down', step=3)<|end_of_box|>", GuiDirection.Down, 3)]
    [InlineData(Pc, "<|begin_of_box|>scroll(start_box='[5,6]', direction='up', step=0)<|end_of_box|>", GuiDirection.Up, null)]
    [InlineData(Pc, "<|begin_of_box|>scroll(start_box='[5,6]', direction='up', step=100000)<|end_of_box|>", GuiDirection.Up, 100000)]
    [InlineData(Pc, "<|begin_of_box|>scroll(start_box='[5,6]', direction='up', step=99999999999)<|end_of_box|>", GuiDirection.Up, null)]
    [InlineData(Web, "Thought: t\nAction: Scroll [WINDOW]; [down]\nMemory_Updated: {}", GuiDirection.Down, null)]
    [InlineData(Mobile, "Memory: None\nReason: r\nAction: {\"action_type\": \"swipe\", \"direction\": \"right\"}", GuiDirection.Right, null)]
    public void Direction_and_steps(GuiProtocol protocol, string output, GuiDirection direction, int? steps)
    {
        var a = Ok(protocol, output);
        Assert.Equal(direction, a.Direction);
        Assert.Equal(steps, a.Steps);
    }

    [Fact]
    public void Web_labels_are_typed_and_the_window_has_none()
    {
        Assert.Equal(7, Ok(Web, W("Click [7]")).Label);
        Assert.Equal(2, Ok(Web, W("Type [2]; [x]")).Label);
        Assert.Equal(4, Ok(Web, W("Scroll [4]; [up]")).Label);
        Assert.Null(Ok(Web, W("Scroll [WINDOW]; [up]")).Label);
        // No element can have a number beyond int: rejected rather than executed against nothing.
        var r = GuiActionParsers.For(Web).Parse(W("Click [99999999999999999999]"));
        Assert.False(r.IsSuccess);
        Assert.Contains("out of range", r.Reason);
    }

    [Theory]
    [InlineData("do(action=\"Wait\")", 1.0)]
    [InlineData("do(action=\"Wait\", duration=\"2 seconds\")", 2.0)]
    [InlineData("do(action=\"Wait\", duration=\"1.5s\")", 1.5)]
    [InlineData("do(action=\"Wait\", duration=\"3\")", 3.0)]
    [InlineData("do(action=\"Wait\", duration=\"3600 seconds\")", 60.0)]
    public void AutoGlm_wait_duration_follows_the_one_rule(string output, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Ok(AutoGlm, output).Duration);

    [Theory]
    [InlineData("do(action=\"Wait\", duration=\"soon\")")]
    [InlineData("do(action=\"Wait\", duration=\"-2 seconds\")")]
    [InlineData("do(action=\"Wait\", duration=\"2 minutes\")")]
    [InlineData("do(action=\"Wait\", duration=2)")]
    public void AutoGlm_wait_with_an_unreadable_duration_is_rejected(string output)
    {
        var r = GuiActionParsers.For(AutoGlm).Parse(output);
        Assert.False(r.IsSuccess, r.ToString());
        Assert.Contains("duration", r.Reason);
    }

    [Fact]
    public void GlmV_waits_leave_the_duration_to_the_executor()
    {
        Assert.Null(Ok(Pc, P("WAIT()")).Duration);
        Assert.Null(Ok(Web, W("Wait")).Duration);
        Assert.Null(Ok(Mobile, M("{\"action_type\": \"wait\"}")).Duration);
    }

    [Theory]
    [InlineData("2", 2.0)]
    [InlineData(" 2 seconds ", 2.0)]
    [InlineData("1 second", 1.0)]
    [InlineData("0.5 sec", 0.5)]
    [InlineData(".25s", 0.25)]
    [InlineData("0", 0.0)]
    [InlineData("60.5 seconds", 60.0)]
    [InlineData("1e9", null)]
    [InlineData("NaN", null)]
    [InlineData("-1", null)]
    [InlineData("2 hours", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void GuiWait_reads_seconds_and_caps_them(string? text, double? seconds)
    {
        bool ok = GuiWait.TryParse(text, out var d);
        Assert.Equal(seconds is not null, ok);
        if (seconds is { } s) Assert.Equal(TimeSpan.FromSeconds(s), d);
    }

    [Theory]
    [InlineData(AutoGlm, "do(action=\"Launch\", app=\"Settings\")", "Settings")]
    [InlineData(Mobile, "Memory: None\nReason: r\nAction: {\"action_type\": \"open_app\", \"app_name\": \"Settings\"}", "Settings")]
    public void App_comes_from_app_or_app_name(GuiProtocol protocol, string output, string app)
    {
        var a = Ok(protocol, output);
        Assert.Equal(GuiActionKind.OpenApp, a.Kind);
        Assert.Equal(app, a.App);
    }

    [Theory]
    [InlineData(Web, "Thought: t\nAction: ANSWER; <content>42</content>", "42")]
    [InlineData(Mobile, "Memory: None\nReason: r\nAction: {\"action_type\": \"answer\", \"text\": \"42\"}", "42")]
    [InlineData(AutoGlm, "finish(message=\"42\")", "42")]
    [InlineData(AutoGlm, "do(action=\"Take_over\", message=\"log in\")", "log in")]
    [InlineData(AutoGlm, "do(action=\"Tap\", element=[1, 2], message=\"pay\")", "pay")]
    public void Message_is_what_the_model_says_to_the_user(GuiProtocol protocol, string output, string message)
    {
        var a = Ok(protocol, output);
        Assert.Equal(message, a.Message);
        Assert.Null(a.Text);
    }

    [Theory]
    [InlineData(Pc, "<|begin_of_box|>DONE()<|end_of_box|>", true)]
    [InlineData(Pc, "<|begin_of_box|>FAIL()<|end_of_box|>", false)]
    [InlineData(Mobile, "Memory: None\nReason: r\nAction: {\"action_type\": \"status\", \"goal_status\": \"complete\"}", true)]
    [InlineData(Mobile, "Memory: None\nReason: r\nAction: {\"action_type\": \"status\", \"goal_status\": \"infeasible\"}", false)]
    [InlineData(AutoGlm, "finish(message=\"done\")", true)]
    public void Finish_says_whether_the_model_succeeded(GuiProtocol protocol, string output, bool succeeded)
    {
        var a = Ok(protocol, output);
        Assert.Equal(GuiActionKind.Finish, a.Kind);
        Assert.Equal(succeeded, a.Succeeded);
    }

    [Theory]
    [InlineData(0, 1080, 0)]
    [InlineData(1000, 1080, 1080)]
    [InlineData(500, 2400, 1200)]
    [InlineData(1, 1000, 1)]
    public void One_thousandths_rule_for_grounding_and_gui(double value, int size, double pixels)
    {
        Assert.Equal(pixels, Thousandths.ToPixels(value, size), 9);
        Assert.Equal(pixels, new GuiPoint(value, value).ToPixels(size, size).X, 9);
        Assert.Equal(pixels, GroundingParser.ToPixels(new GroundingPointF(value, value), size, size).X, 9);
    }
}
