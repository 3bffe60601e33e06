using Glm4vSK.Agents.Web;
using Microsoft.Playwright;
using static Glm4vSK.Agents.Tests.Web.WebActions;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>
/// The pointer gestures of the coordinate protocols (double, right and middle click, hover, drag, long press) as the
/// page sees them: the events each plan step sends to the element under the point.
/// </summary>
public sealed class WebGestureTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    // The pad spans (100, 100)-(500, 400) of the 1000×700 viewport; [300,357] is (300, 249.9), inside it.
    private const string InPad = "[300,357]";

    private PlaywrightWebExecutor Executor => fixture.Executor;

    private IPage Page => fixture.Executor.Page;

    private async Task<string[]> EventsAfterAsync(Formats.Gui.GuiAction action, string verb)
    {
        var observation = await Executor.ObserveAsync();
        await Page.EvaluateAsync("() => { window.events = []; window.dragMoves = 0; }");
        var outcome = await Executor.ExecuteAsync(action, observation);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.StartsWith(verb, outcome.Message);
        return await Page.EvaluateAsync<string[]>("() => window.events");
    }

    [Fact]
    public async Task Double_right_and_middle_clicks_press_the_right_button()
    {
        await fixture.ResetAsync("/executor/gestures");
        Assert.Contains("dblclick:0", await EventsAfterAsync(PcAction($"left_double_click(start_box='{InPad}')"), "double-clicked (300, 250)"));
        string[] right = await EventsAfterAsync(PcAction($"right_click(start_box='{InPad}')"), "right-clicked (300, 250)");
        // Where the context menu opens (on press on Linux, on release on Windows) is the platform's choice.
        Assert.Equal(["contextmenu:2", "mousedown:2", "mouseup:2"], right.Where(e => !e.StartsWith("auxclick", StringComparison.Ordinal)).Order());
        Assert.Contains("auxclick:1", await EventsAfterAsync(PcAction($"middle_click(start_box='{InPad}')"), "middle-clicked (300, 250)"));
    }

    [Fact]
    public async Task Hover_moves_the_pointer_without_pressing()
    {
        await fixture.ResetAsync("/executor/gestures");
        // First outside the pad (50‰ = (50, 35)), then into it.
        Assert.Empty(await EventsAfterAsync(PcAction("hover(start_box='[50,50]')"), "moved the pointer to (50, 35)"));
        Assert.Equal(["mouseenter:0"], await EventsAfterAsync(PcAction($"hover(start_box='{InPad}')"), "moved the pointer to (300, 250)"));
    }

    [Fact]
    public async Task Drag_and_long_press_hold_the_left_button()
    {
        await fixture.ResetAsync("/executor/gestures");
        string[] drag = await EventsAfterAsync(PcAction("left_drag(start_box='[200,200]', end_box='[400,400]')"), "dragged from (200, 140) to (400, 280)");
        Assert.Equal("mousedown:0", drag.First(e => e.StartsWith("mouse", StringComparison.Ordinal) && e != "mouseenter:0"));
        Assert.Contains("mouseup:0", drag);
        Assert.True(await Page.EvaluateAsync<int>("() => window.dragMoves") > 1, "the pointer moved in steps with the button held");

        string[] press = await EventsAfterAsync(AutoGlmAction($"do(action=\"Long Press\", element={InPad})"), "long-pressed (300, 250)");
        Assert.Equal(["mousedown:0", "mouseup:0", "click:0"], press.Where(e => e != "mouseenter:0"));
    }
}
