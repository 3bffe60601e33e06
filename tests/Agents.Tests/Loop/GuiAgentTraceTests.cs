using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Screens;
using Glm4vSK.Agents.Tests.Support;

namespace Glm4vSK.Agents.Tests.Loop;

public sealed class GuiAgentTraceTests
{
    private static readonly GuiAgentOptions Fast = new() { DelayAfterAction = TimeSpan.Zero };

    private static async Task<(GuiAgentRun Run, RecordingExecutor Executor)> RunPcAsync()
    {
        var client = new ScriptedChatClient(
            "Click OK. <|begin_of_box|>left_click(start_box='[250,500]', element_info='OK')<|end_of_box|>\nMemory:\n[]",
            "Drag it. <|begin_of_box|>left_drag(start_box='[100,100]', end_box='[900,700]')<|end_of_box|>\nMemory:\n[]",
            "Type. <|begin_of_box|>type(content='<script>alert(1)</script>')<|end_of_box|>\nMemory:\n[]",
            "not an action at all",
            "Done. <|begin_of_box|>DONE()<|end_of_box|>\nMemory:\n[]");
        var executor = new RecordingExecutor(1280, 800);
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVPc), executor, Fast).RunAsync("press OK & drag");
        return (run, executor);
    }

    [Fact]
    public async Task Json_trace_holds_every_step_with_action_pixels_and_the_screenshot_bytes()
    {
        var (run, _) = await RunPcAsync();
        var json = JsonNode.Parse(GuiAgentTrace.ToJson(run).ToJsonString())!.AsObject();
        Assert.Equal("Completed", (string?)json["status"]);
        Assert.Equal("press OK & drag", (string?)json["task"]);
        var steps = json["steps"]!.AsArray();
        Assert.Equal(5, steps.Count);

        var click = steps[0]!;
        Assert.Equal("left_click", (string?)click["action"]!["type"]);
        Assert.Equal(320.0, (double)click["action"]!["pixelPoint"]![0]!);
        Assert.Equal(400.0, (double)click["action"]!["pixelPoint"]![1]!);
        Assert.Equal("did left_click", (string?)click["outcome"]!["message"]);
        Assert.Contains("left_click(start_box='[250,500]'", (string?)click["rawOutput"]);
        Assert.Equal("user", (string?)click["prompt"]![0]!["role"]);
        Assert.Equal("image", (string?)click["prompt"]![0]!["contents"]![0]!["type"]);
        byte[] png = Convert.FromBase64String((string)click["screenshot"]!["data"]!);
        Assert.True(run.Steps[0].Observation!.Screenshot.Data.Span.SequenceEqual(png));
        Assert.Equal(1280, (int)click["screenshot"]!["width"]!);

        Assert.Equal(1152.0, (double)steps[1]!["action"]!["pixelEndPoint"]![0]!);
        Assert.Equal(560.0, (double)steps[1]!["action"]!["pixelEndPoint"]![1]!);
        Assert.Null(steps[3]!["action"]);
        Assert.NotNull((string?)steps[3]!["parseError"]);
        Assert.Equal("not an action at all", (string?)steps[3]!["rawOutput"]);
    }

    [Fact]
    public async Task Html_report_is_self_contained_marks_the_click_and_the_drag_and_escapes_model_text()
    {
        var (run, _) = await RunPcAsync();
        string html = GuiAgentReport.ToHtml(run);
        // One screenshot per step, embedded.
        Assert.Equal(5, Regex.Matches(html, "<image [^>]*href=\"data:image/png;base64,").Count);
        Assert.DoesNotMatch("(src|href)=\"(https?:|//|file:)", html);
        // The click at thousandths (250, 500) on 1280×800 is a ring at pixel (320, 400) on step 0's screenshot.
        string step0 = Section(html, 0);
        Assert.Matches("<circle class=\"mark-point\" cx=\"320\" cy=\"400\"", step0);
        // The drag is an arrow from (128, 80) to (1152, 560).
        Assert.Matches("<line class=\"mark-arrow\" x1=\"128\" y1=\"80\" x2=\"1152\" y2=\"560\"", Section(html, 1));
        // Typed text is captioned, HTML-escaped.
        string step2 = Section(html, 2);
        Assert.Contains("mark-caption", step2);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", step2);
        Assert.Contains("Unparsable answer", Section(html, 3));
    }

    [Fact]
    public async Task SaveAsync_writes_trace_and_report()
    {
        var (run, _) = await RunPcAsync();
        string dir = Path.Combine(Path.GetTempPath(), "glm4vsk-trace-" + Guid.NewGuid().ToString("N"));
        try
        {
            string report = await run.SaveAsync(dir);
            Assert.Equal(Path.Combine(dir, "report.html"), report);
            Assert.StartsWith("<!DOCTYPE html>", await File.ReadAllTextAsync(report));
            var json = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "trace.json")))!;
            Assert.Equal(5, json["steps"]!.AsArray().Count);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Markers_resolve_set_of_marks_labels_and_swipe_directions()
    {
        var shot = RecordingExecutor.MakeScreenshot(1000, 2000, 0);
        var element = new GuiElement(3, "button", "Go", new PixelRect(100, 200, 50, 40));
        var obs = new GuiObservation(shot) { Elements = [element] };
        var click = GlmVWebParser.Instance.Parse("Thought: t\nAction: Click [3]\nMemory_Updated: {}").Action!;
        var marks = GuiActionMarker.For(click, obs);
        Assert.Contains(marks, m => m.Shape == GuiMarkerShape.Box && m.X == 100 && m.Y == 200 && m.X2 == 50 && m.Y2 == 40);
        Assert.Contains(marks, m => m.Shape == GuiMarkerShape.Point && m.X == 125 && m.Y == 220);

        var swipe = GlmVMobileParser.Instance.Parse("Memory: None\nReason: r\nAction: {\"action_type\": \"swipe\", \"direction\": \"up\"}").Action!;
        var arrow = Assert.Single(GuiActionMarker.For(swipe, obs));
        Assert.Equal(GuiMarkerShape.Arrow, arrow.Shape);
        Assert.Equal((500.0, 1000.0), (arrow.X, arrow.Y));
        Assert.True(arrow.Y2 < arrow.Y, "a swipe up is drawn upwards");

        var autoSwipe = AutoGlmPhoneParser.Instance.Parse("do(action=\"Swipe\", start=[500,800], end=[500,200])").Action!;
        var a2 = Assert.Single(GuiActionMarker.For(autoSwipe, obs));
        Assert.Equal((500.0, 1600.0, 500.0, 400.0), (a2.X, a2.Y, a2.X2, a2.Y2));
    }

    private static string Section(string html, int index)
    {
        int start = html.IndexOf($"<section class=\"step\" id=\"step-{index}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"step {index} is in the report");
        int end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }
}
