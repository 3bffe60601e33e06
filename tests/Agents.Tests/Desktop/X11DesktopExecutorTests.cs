using System.Diagnostics;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;
using SkiaSharp;

namespace Glm4vSK.Agents.Tests.Desktop;

/// <summary>The desktop executor on a real Xvfb display with real X programs (xmessage, xterm).</summary>
public sealed class X11DesktopExecutorTests(XvfbDisplay display) : IClassFixture<XvfbDisplay>
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private static GuiAction Parse(string output)
    {
        var result = GlmVPcParser.Instance.Parse(output);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Action;
    }

    private static SKColor PixelAt(SKBitmap bitmap, int x, int y) => bitmap.GetPixel(x, y);

    [Fact]
    public async Task Screenshot_has_the_screen_size_and_shows_a_started_window_in_its_colours()
    {
        var executor = display.CreateExecutor();
        string title = "shot-" + Guid.NewGuid().ToString("N")[..8];
        using var app = display.StartApp("xmessage", "-title", title, "-bg", "#2050c0", "-fg", "#ffff00",
            "-geometry", "300x120+600+500", "-buttons", "Close:0", "A window to photograph");
        var window = await display.WaitForWindowAsync(title, app);

        var observation = await executor.ObserveAsync(TestContext.Current.CancellationToken);

        Assert.Equal("desktop", executor.Platform);
        Assert.Equal("image/png", observation.Screenshot.MediaType);
        Assert.Equal((XvfbDisplay.Width, XvfbDisplay.Height), (observation.Screenshot.Width, observation.Screenshot.Height));
        using var bitmap = SKBitmap.Decode(observation.Screenshot.Data.ToArray());
        Assert.Equal((XvfbDisplay.Width, XvfbDisplay.Height), (bitmap.Width, bitmap.Height));

        // Outside any window: Xvfb's black root window.
        Assert.Equal(new SKColor(0, 0, 0), PixelAt(bitmap, 5, 5));
        Assert.Equal(new SKColor(0, 0, 0), PixelAt(bitmap, XvfbDisplay.Width - 1, XvfbDisplay.Height - 1));
        // Inside: mostly the window's background colour, channels in the right order (catches a BGR/RGB mix-up).
        var b = window.Bounds;
        int total = 0, background = 0, foreground = 0;
        for (int y = b.Y; y < b.Y + b.Height; y++)
        for (int x = b.X; x < b.X + b.Width; x++)
        {
            total++;
            var c = PixelAt(bitmap, x, y);
            if (c == new SKColor(0x20, 0x50, 0xc0)) background++;
            if (c == new SKColor(0xff, 0xff, 0x00)) foreground++;
        }
        Assert.True(background > total / 2, $"{background} of {total} window pixels have the background colour");
        Assert.True(foreground > 0, "the yellow text is visible");
        // Just outside the window the root shows again.
        Assert.Equal(new SKColor(0, 0, 0), PixelAt(bitmap, b.X - 3, b.Y + b.Height / 2));
    }

    [Fact]
    public async Task Screenshot_of_a_16_bit_display_scales_the_565_channels()
    {
        await using var display16 = new XvfbDisplay { Depth = 16 };
        await display16.InitializeAsync();
        string title = "shot16-" + Guid.NewGuid().ToString("N")[..8];
        using var app = display16.StartApp("xmessage", "-title", title, "-bg", "#0000ff", "-fg", "#ffff00",
            "-geometry", "300x120+100+100", "-buttons", "Close:0", "Sixteen bits");
        var window = await display16.WaitForWindowAsync(title, app);

        var shot = await display16.CreateExecutor().CaptureScreenshotAsync(TestContext.Current.CancellationToken);

        Assert.Equal((XvfbDisplay.Width, XvfbDisplay.Height), (shot.Width, shot.Height));
        using var bitmap = SKBitmap.Decode(shot.Data.ToArray());
        Assert.Equal(new SKColor(0, 0, 0), PixelAt(bitmap, 5, 5));
        var b = window.Bounds;
        int blue = 0, yellow = 0;
        for (int y = b.Y; y < b.Y + b.Height; y++)
        for (int x = b.X; x < b.X + b.Width; x++)
        {
            var c = PixelAt(bitmap, x, y);
            if (c == new SKColor(0, 0, 255)) blue++;
            if (c == new SKColor(255, 255, 0)) yellow++;
        }
        Assert.True(blue > b.Width * b.Height / 2, $"{blue} blue pixels");
        Assert.True(yellow > 0, "the yellow text is visible");
    }

    [Theory]
    [InlineData("Yes", 10)]
    [InlineData("No", 20)]
    public async Task Clicking_an_xmessage_button_ends_it_with_that_buttons_exit_code(string button, int expectedExit)
    {
        var executor = display.CreateExecutor();
        string title = "ask-" + Guid.NewGuid().ToString("N")[..8];
        using var app = display.StartApp("xmessage", "-title", title, "-geometry", "+500+300",
            "-buttons", "Yes:10,No:20", "Do you agree?");
        var window = await display.WaitForWindowAsync(title, app);
        var buttons = await display.GetXmessageButtonsAsync(window);
        Assert.Equal(2, buttons.Count);
        var target = buttons[button == "Yes" ? 0 : 1];
        var (x, y) = target.CenterThousandths;

        var observation = await executor.ObserveAsync(TestContext.Current.CancellationToken);
        var action = Parse($"The dialog asks for confirmation; I will press {button}. " +
            $"<|begin_of_box|>left_click(start_box='[{x},{y}]', element_info='{button}')<|end_of_box|>\nMemory:\n[]");
        var outcome = await executor.ExecuteAsync(action, observation, TestContext.Current.CancellationToken);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(expectedExit, await app.WaitForExitAsync(ExitTimeout));
    }

    [Fact]
    public async Task Typing_a_command_into_an_xterm_under_the_pointer_and_pressing_Return_runs_it()
    {
        var executor = display.CreateExecutor();
        string file = Path.Combine(Path.GetTempPath(), $"x11-typed-{Guid.NewGuid():N}.txt");
        string title = "term-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using var xterm = display.StartApp("xterm", "-T", title, "-geometry", "80x24+40+40", "-e", "/bin/sh");
            var window = await display.WaitForWindowAsync(title, xterm);
            var (x, y) = window.Bounds.CenterThousandths;
            var observation = await executor.ObserveAsync(TestContext.Current.CancellationToken);

            string[] outputs =
            [
                $"The terminal is open. I will move the pointer over it so it gets the keyboard. <|begin_of_box|>hover(start_box='[{x},{y}]', element_info='terminal')<|end_of_box|>\nMemory:\n[]",
                $"Now I type the command. <|begin_of_box|>type(content='echo typed > {file}')<|end_of_box|>\nMemory:\n[]",
                "Run it. <|begin_of_box|>key(keys='Return')<|end_of_box|>\nMemory:\n[]",
            ];
            foreach (string output in outputs)
            {
                var outcome = await executor.ExecuteAsync(Parse(output), observation, TestContext.Current.CancellationToken);
                Assert.True(outcome.Succeeded, outcome.Message);
            }

            var clock = Stopwatch.StartNew();
            while (!File.Exists(file) || (await File.ReadAllTextAsync(file)).Length == 0)
            {
                Assert.True(clock.Elapsed < ExitTimeout, $"xterm did not write {file}; xterm output: {xterm.Output}");
                await Task.Delay(50);
            }
            Assert.Equal("typed\n", await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Wait_waits_for_the_configured_duration_and_can_be_cancelled()
    {
        var observation = new GuiObservation(Screenshot.FromRgba(new byte[16], 2, 2));
        var wait = Parse("The page is loading. <|begin_of_box|>WAIT()<|end_of_box|>\nMemory:\n[]");

        var shortWait = display.CreateExecutor(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var outcome = await shortWait.ExecuteAsync(wait, observation, TestContext.Current.CancellationToken);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"waited only {clock.Elapsed}");

        var longWait = display.CreateExecutor(TimeSpan.FromMinutes(10));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => longWait.ExecuteAsync(wait, observation, cts.Token));
    }

    [Fact]
    public async Task A_hanging_xdotool_is_killed_on_cancel_and_on_its_time_limit()
    {
        var executor = display.CreateExecutor();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.RunXdotoolAsync(["sleep", "600"], cts.Token));

        var limited = new X11DesktopExecutor(new X11ExecutorOptions { Display = display.Name, CommandTimeout = TimeSpan.FromMilliseconds(200) });
        var ex = await Assert.ThrowsAsync<XdotoolException>(() => limited.RunXdotoolAsync(["sleep", "600"], TestContext.Current.CancellationToken));
        Assert.Contains("did not finish", ex.Message);
        Assert.Null(ex.ExitCode);
        Assert.Equal(GuiPlatform.Desktop, ex.Platform);
        Assert.DoesNotContain(Process.GetProcessesByName("xdotool"), p => SafeCommandLine(p).Contains("sleep 600"));
    }

    [Fact]
    public async Task Xdotool_failures_are_typed_errors_with_the_exit_code_and_the_display()
    {
        var gone = new X11DesktopExecutor(new X11ExecutorOptions { Display = ":4243" });
        var ex = await Assert.ThrowsAsync<XdotoolException>(() => gone.RunXdotoolAsync(["getmouselocation"]));
        Assert.NotEqual(0, ex.ExitCode);
        Assert.Contains("':4243'", ex.Message);
        Assert.Contains("Xvfb", ex.Message);

        // The common base carries the same facts, so callers can handle every executor alike.
        GuiExecutorException broke = ex;
        Assert.Equal(GuiPlatform.Desktop, broke.Platform);
        Assert.NotNull(broke.ExitCode);
        Assert.NotEqual(0, broke.ExitCode);
        Assert.Contains("open display", broke.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    private static string SafeCommandLine(Process p)
    {
        try
        {
            return File.ReadAllText($"/proc/{p.Id}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
