using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Tests.Desktop;

/// <summary>
/// What the desktop executor turns parsed PC answers into (xdotool argument lists, waits, refusals), without a
/// display: realistic GLM-4.5V outputs go through <see cref="GlmVPcParser"/> first.
/// </summary>
public sealed class X11DesktopExecutorPlanTests
{
    private const int W = 1280, H = 800;

    private static X11DesktopExecutor Executor(X11ExecutorOptions? options = null) =>
        new(options ?? new X11ExecutorOptions { Display = ":4242" });

    /// <summary>A GLM-4.5V PC answer around <paramref name="call"/>.</summary>
    internal static GuiAction Pc(string call)
    {
        var result = GlmVPcParser.Instance.Parse($"I will do the next step. <|begin_of_box|>{call}<|end_of_box|>\nMemory:\n[]");
        Assert.True(result.IsSuccess, result.ToString());
        return result.Action;
    }

    private static IReadOnlyList<string> Args(string call, X11ExecutorOptions? options = null, int shotW = W, int shotH = H)
    {
        var plan = Executor(options).Plan(Pc(call), shotW, shotH, W, H);
        Assert.Null(plan.Failure);
        Assert.NotNull(plan.Arguments);
        return plan.Arguments;
    }

    [Fact]
    public void Clicks_move_the_pointer_then_press_the_right_button()
    {
        // [500,250] of 1280x800 = (640, 200).
        Assert.Equal(["mousemove", "640", "200", "click", "1"], Args("left_click(start_box='[500,250]', element_info='OK')"));
        Assert.Equal(["mousemove", "640", "200", "click", "3"], Args("right_click(start_box='[500,250]', element_info='file')"));
        Assert.Equal(["mousemove", "640", "200", "click", "2"], Args("middle_click(start_box='[500,250]')"));
        Assert.Equal(["mousemove", "640", "200", "click", "--repeat", "2", "--delay", "80", "1"], Args("left_double_click(start_box='[500,250]')"));
        Assert.Equal(["mousemove", "640", "200"], Args("hover(start_box='[500,250]')"));
    }

    [Fact]
    public void Pixels_are_truncated_clamped_and_scaled_from_a_resized_screenshot()
    {
        // 333‰ of 1280 = 426.24 → 426; of 800 = 266.4 → 266.
        Assert.Equal(["mousemove", "426", "266", "click", "1"], Args("left_click(start_box='[333,333]')"));
        // 999‰ stays inside; 1000‰ and beyond are clamped to the last pixel.
        Assert.Equal(["mousemove", "1278", "799", "click", "1"], Args("left_click(start_box='[999,999]')"));
        Assert.Equal(["mousemove", "1279", "799", "click", "1"], Args("left_click(start_box='[1000,1000]')"));
        Assert.Equal(["mousemove", "1279", "799", "click", "1"], Args("left_click(start_box='[1500,2000]')"));
        // The observation was a half-size screenshot: 250‰ of 640 = 160 px there = 320 px on the 1280 screen.
        Assert.Equal(["mousemove", "320", "400", "click", "1"], Args("left_click(start_box='[250,500]')", shotW: 640, shotH: 400));
    }

    [Fact]
    public void Drag_presses_moves_and_releases()
    {
        var args = Args("left_drag(start_box='[100, 100]', end_box='[300, 300]')");
        Assert.Equal(["mousemove", "128", "80", "mousedown", "1", "sleep", "0.05",
            "mousemove", "384", "240", "sleep", "0.05", "mouseup", "1"], args);
    }

    [Fact]
    public void Type_keeps_the_pointer_and_passes_the_text_as_one_argument_after_double_dash()
    {
        const string text = "-n echo \"a  b\" > /tmp/out; $HOME `x`";
        Assert.Equal(["type", "--delay", "12", "--", text], Args($"type(content='{text}')"));
        Assert.Equal(["type", "--delay", "0", "--", "x"], Args("type(content='x')", new X11ExecutorOptions { Display = ":1", TypeDelayMs = 0 }));
    }

    [Fact]
    public void Key_combos_become_keysyms()
    {
        Assert.Equal(["key", "--", "Control_L+c"], Args("key(keys='ctrl+c')"));
        Assert.Equal(["key", "--", "Return"], Args("key(keys='enter')"));
        Assert.Equal(["key", "--", "Shift_L+Tab"], Args("key(keys='shift+tab')"));
    }

    [Fact]
    public void Unknown_key_is_a_failed_plan_naming_the_key()
    {
        var plan = Executor().Plan(Pc("key(keys='ctrl+frobnicate')"), W, H, W, H);
        Assert.Null(plan.Arguments);
        Assert.Contains("frobnicate", plan.Failure);
    }

    [Fact]
    public void Scroll_sends_step_wheel_clicks_at_the_point()
    {
        Assert.Equal(["mousemove", "256", "160", "click", "--repeat", "3", "--delay", "30", "5"],
            Args("scroll(start_box='[200, 200]', direction='down', step=3)"));
        Assert.Equal(["mousemove", "256", "160", "click", "--repeat", "2", "--delay", "30", "4"],
            Args("scroll(start_box='[200, 200]', direction='up', step=2, element_info='list')"));
        // Without step= the default applies (5 unless configured).
        Assert.Equal("5", Args("scroll(start_box='[200,200]', direction='down')")[^4]);
        Assert.Equal("7", Args("scroll(start_box='[200,200]', direction='down')", new X11ExecutorOptions { Display = ":1", ScrollClicksDefault = 7 })[^4]);
        Assert.Equal("50", Args("scroll(start_box='[200,200]', direction='down', step=100000)")[^4]);
    }

    [Fact]
    public void Wait_uses_the_configured_duration()
    {
        var plan = Executor(new X11ExecutorOptions { Display = ":1", WaitDuration = TimeSpan.FromMilliseconds(1234) }).Plan(Pc("WAIT()"), W, H, W, H);
        Assert.Null(plan.Arguments);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), plan.Wait);
        Assert.Equal(TimeSpan.FromSeconds(5), new X11ExecutorOptions().WaitDuration);
    }

    public static TheoryData<GuiProtocol, string> Unsupported => new()
    {
        { GuiProtocol.AutoGlmPhone, "<think>需要先打开微信</think>\n<answer>do(action=\"Launch\", app=\"微信\")</answer>" },
        { GuiProtocol.AutoGlmPhone, "<answer>do(action=\"Home\")</answer>" },
        { GuiProtocol.AutoGlmPhone, "<answer>do(action=\"Back\")</answer>" },
        { GuiProtocol.GlmVMobile, "Memory: None\nReason: Swipe up.\nAction: <|begin_of_box|>{\"action_type\": \"swipe\", \"direction\": \"up\"}<|end_of_box|>" },
        { GuiProtocol.GlmVMobile, "Memory: None\nReason: Home.\nAction: <|begin_of_box|>{\"action_type\": \"navigate_home\"}<|end_of_box|>" },
        { GuiProtocol.GlmVPc, "The task is complete. <|begin_of_box|>DONE()<|end_of_box|>\nMemory:\n[]" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public async Task Mobile_and_loop_actions_fail_without_running_xdotool(GuiProtocol protocol, string output)
    {
        var parsed = GuiActionParsers.For(protocol).Parse(output);
        Assert.True(parsed.IsSuccess, parsed.ToString());
        // A missing xdotool would throw: a failed outcome proves nothing was started.
        var executor = new X11DesktopExecutor(new X11ExecutorOptions { Display = ":4242", XdotoolPath = "/nonexistent/xdotool" });
        var outcome = await executor.ExecuteAsync(parsed.Action, Observation(), TestContext.Current.CancellationToken);
        Assert.False(outcome.Succeeded);
        Assert.Contains(parsed.Action.Name, outcome.Message);
    }

    [Fact]
    public async Task Missing_xdotool_throws_a_typed_error_saying_how_to_install_it()
    {
        var executor = new X11DesktopExecutor(new X11ExecutorOptions { Display = ":4242", XdotoolPath = "/nonexistent/xdotool" });
        var ex = await Assert.ThrowsAsync<XdotoolException>(() => executor.ExecuteAsync(Pc("left_click(start_box='[10,10]')"), Observation()));
        Assert.Contains("apt-get install xdotool", ex.Message);
        Assert.Contains("/nonexistent/xdotool", ex.Message);
        Assert.Equal(["mousemove", "12", "8", "click", "1"], ex.Arguments);
        GuiExecutorException broke = ex;
        Assert.Equal(GuiPlatform.Desktop, broke.Platform);
        Assert.Null(broke.ExitCode);
        Assert.Null(broke.StandardError);
    }

    [Fact]
    public async Task Unreachable_display_throws_a_typed_error_naming_it_and_suggesting_Xvfb()
    {
        var executor = new X11DesktopExecutor(new X11ExecutorOptions { Display = ":4242" });
        Assert.False(File.Exists("/tmp/.X11-unix/X4242"), "display :4242 unexpectedly exists");
        var ex = await Assert.ThrowsAsync<X11DisplayException>(() => executor.ObserveAsync());
        Assert.Equal(":4242", ex.Display);
        GuiExecutorException broke = ex;
        Assert.Equal(GuiPlatform.Desktop, broke.Platform);
        Assert.Null(broke.ExitCode);
        Assert.Contains("':4242'", ex.Message);
        Assert.Contains("Xvfb", ex.Message);
    }

    [Fact]
    public void No_display_anywhere_is_a_typed_error()
    {
        string? saved = Environment.GetEnvironmentVariable("DISPLAY");
        if (saved is not null)
        {
            // Only the options path can be checked when the test process itself has a DISPLAY.
            Assert.Equal(saved, new X11DesktopExecutor().Display);
            return;
        }
        var ex = Assert.Throws<X11DisplayException>(() => new X11DesktopExecutor());
        Assert.Contains("X11ExecutorOptions.Display", ex.Message);
    }

    private static GuiObservation Observation() => new(Screenshot.FromRgba(new byte[W * H * 4], W, H));
}
