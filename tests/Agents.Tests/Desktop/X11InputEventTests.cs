using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents.Tests.Desktop;

/// <summary>
/// Parsed PC answers executed on a real Xvfb display, checked against the X events an <c>xev</c> window receives:
/// which button or keysym arrived, and where.
/// </summary>
public sealed class X11InputEventTests(XvfbDisplay display) : IClassFixture<XvfbDisplay>
{
    private const int W = XvfbDisplay.Width, H = XvfbDisplay.Height;

    private static GuiAction Pc(string call) => X11DesktopExecutorPlanTests.Pc(call);

    private static GuiObservation FullScreen() => new(Screenshot.FromRgba(new byte[W * H * 4], W, H));

    /// <summary>The screen pixel the model's thousandths land on (v/1000·size, truncated).</summary>
    private static (int X, int Y) Pixel(int tx, int ty) => ((int)(tx * W / 1000.0), (int)(ty * H / 1000.0));

    private static (int X, int Y) Thousandths(int px, int py) => ((int)Math.Round(px * 1000.0 / W), (int)Math.Round(py * 1000.0 / H));

    private async Task<GuiActionOutcome> Run(X11DesktopExecutor executor, string call)
    {
        var outcome = await executor.ExecuteAsync(Pc(call), FullScreen(), TestContext.Current.CancellationToken);
        Assert.True(outcome.Succeeded, outcome.Message);
        return outcome;
    }

    [Fact]
    public async Task Right_middle_and_double_clicks_arrive_with_their_buttons_at_the_point()
    {
        using var xev = await XevWindow.StartAsync(display, 400, 200, 400, 300);
        var executor = display.CreateExecutor();
        var (tx, ty) = Thousandths(xev.Window.Bounds.CenterX, xev.Window.Bounds.CenterY);
        var (px, py) = Pixel(tx, ty);

        await Run(executor, $"right_click(start_box='[{tx},{ty}]', element_info='canvas')");
        await Run(executor, $"middle_click(start_box='[{tx},{ty}]')");
        await Run(executor, $"left_double_click(start_box='[{tx},{ty}]')");

        var events = await xev.WaitForAsync(e => e.Count(x => x.Type == "ButtonRelease") >= 4);
        var presses = events.Where(e => e.Type == "ButtonPress").ToList();
        Assert.Equal([3, 2, 1, 1], presses.Select(e => e.Button));
        Assert.All(presses, e => Assert.Equal((px, py), (e.RootX, e.RootY)));
        Assert.InRange(Math.Abs(px - xev.Window.Bounds.CenterX), 0, 1);
    }

    [Fact]
    public async Task Scroll_sends_step_wheel_clicks_up_and_down_over_the_point()
    {
        using var xev = await XevWindow.StartAsync(display, 100, 100, 300, 300);
        var executor = display.CreateExecutor();
        var (tx, ty) = Thousandths(250, 250);

        await Run(executor, $"scroll(start_box='[{tx},{ty}]', direction='down', step=3, element_info='list')");
        await Run(executor, $"scroll(start_box='[{tx},{ty}]', direction='up', step=2)");
        await Run(executor, $"scroll(start_box='[{tx},{ty}]', direction='down')");

        var events = await xev.WaitForAsync(e => e.Count(x => x.Type == "ButtonRelease") >= 10);
        Assert.Equal([5, 5, 5, 4, 4, 5, 5, 5, 5, 5], events.Where(e => e.Type == "ButtonPress").Select(e => e.Button));
        Assert.All(events, e => Assert.Equal(Pixel(tx, ty), (e.RootX, e.RootY)));
    }

    [Fact]
    public async Task Drag_presses_at_the_start_and_releases_at_the_end()
    {
        using var xev = await XevWindow.StartAsync(display, 200, 200, 600, 400);
        var executor = display.CreateExecutor();
        var start = Thousandths(300, 300);
        var end = Thousandths(700, 500);

        await Run(executor, $"left_drag(start_box='[{start.X},{start.Y}]', end_box='[{end.X},{end.Y}]', element_info='slider')");

        var events = await xev.WaitForAsync(e => e.Any(x => x.Type == "ButtonRelease"));
        Assert.Equal(2, events.Count);
        Assert.Equal(new XevEvent("ButtonPress", Pixel(start.X, start.Y).X, Pixel(start.X, start.Y).Y, 1, null), events[0]);
        Assert.Equal(new XevEvent("ButtonRelease", Pixel(end.X, end.Y).X, Pixel(end.X, end.Y).Y, 1, null), events[1]);
        Assert.Contains(xev.Events, e => e.Type == "MotionNotify" && (e.RootX, e.RootY) == Pixel(end.X, end.Y));
    }

    [Fact]
    public async Task Key_combos_reach_the_window_under_the_pointer_as_keysyms()
    {
        using var xev = await XevWindow.StartAsync(display, 300, 300, 300, 200);
        var executor = display.CreateExecutor();
        var (tx, ty) = Thousandths(xev.Window.Bounds.CenterX, xev.Window.Bounds.CenterY);

        // No window manager: focus follows the pointer, so hover first.
        await Run(executor, $"hover(start_box='[{tx},{ty}]')");
        string location = await executor.RunXdotoolAsync(["getmouselocation", "--shell"]);
        Assert.Contains($"X={Pixel(tx, ty).X}\n", location);
        Assert.Contains($"Y={Pixel(tx, ty).Y}\n", location);

        await Run(executor, "key(keys='ctrl+c')");
        await Run(executor, "key(keys='enter')");
        await Run(executor, "key(keys='esc')");
        await Run(executor, "key(keys='alt+F4')");

        var events = await xev.WaitForAsync(e => e.Count(x => x.Type == "KeyRelease") >= 6);
        Assert.Equal(["Control_L", "c", "Return", "Escape", "Alt_L", "F4"], events.Where(e => e.Type == "KeyPress").Select(e => e.Keysym));
        // Every key is released again (no modifier left stuck).
        Assert.Equal(new[] { "Control_L", "Escape", "F4", "Return", "Alt_L", "c" }.Order(), events.Where(e => e.Type == "KeyRelease").Select(e => e.Keysym!).Order());
    }

    [Fact]
    public async Task Typed_text_arrives_as_keystrokes_without_moving_the_pointer()
    {
        using var xev = await XevWindow.StartAsync(display, 700, 100, 300, 200);
        var executor = display.CreateExecutor();
        var (tx, ty) = Thousandths(xev.Window.Bounds.CenterX, xev.Window.Bounds.CenterY);
        await Run(executor, $"hover(start_box='[{tx},{ty}]')");
        string before = await executor.RunXdotoolAsync(["getmouselocation", "--shell"]);

        var outcome = await Run(executor, "type(content='Hi 2')");

        var events = await xev.WaitForAsync(e => e.Count(x => x.Type == "KeyRelease" && x.Keysym == "2") >= 1);
        Assert.Equal(["H", "i", "space", "2"], events.Where(e => e.Type == "KeyPress" && e.Keysym is not ("Shift_L" or "Shift_R")).Select(e => e.Keysym));
        Assert.Equal(before, await executor.RunXdotoolAsync(["getmouselocation", "--shell"]));
        Assert.Contains("4", outcome.Message);
    }
}
