using System.Text.Json.Nodes;
using Microsoft.Playwright;
using SkiaSharp;
using static Glm4vSK.Server.Tests.ChatPage.FakeChatServer;

namespace Glm4vSK.Server.Tests.ChatPage;

/// <summary>The chat page driven in headless Chromium against <see cref="FakeChatServer"/>'s scripted streams.</summary>
public sealed class ChatPageTests(ChatPageFixture fixture) : IClassFixture<ChatPageFixture>
{
    private FakeChatServer Server => fixture.Server;

    [Fact]
    public async Task Streams_the_answer_with_folded_reasoning_and_draws_the_box_over_the_attached_image()
    {
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        byte[] png = Png();
        string pngPath = Path.Combine(Path.GetTempPath(), $"glm4v-chatpage-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(pngPath, png);
        try
        {
            await page.SetInputFilesAsync("#file", pngPath);
            await page.WaitForSelectorAsync(".attachments img");
        }
        finally
        {
            File.Delete(pngPath);
        }
        Server.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await session.SendAsync("Where is the cat?", waitForEnd: false);

        // The first chunks are on screen while the server still holds the rest: the answer streams, in order.
        await page.WaitForFunctionAsync("t => document.querySelector('.msg.assistant .answer')?.textContent === t", Scripts.AnswerBeforeGate);
        Assert.Equal(0, await page.Locator(".grounding .box").CountAsync());
        Assert.True(await page.IsEnabledAsync("#stop"));
        Server.Gate.SetResult();
        await session.WaitForIdleAsync();

        // What the server got: the model, stream: true, the text and the image as a data URL image_url part.
        var request = Assert.Single(Server.Requests).Body;
        Assert.Equal(ModelIds[0], (string?)request["model"]);
        Assert.True((bool)request["stream"]!);
        var message = Assert.Single(request["messages"]!.AsArray())!;
        Assert.Equal("user", (string?)message["role"]);
        var parts = message["content"]!.AsArray();
        Assert.Contains(parts, p => (string?)p!["type"] == "text" && (string?)p["text"] == "Where is the cat?");
        var image = Assert.Single(parts, p => (string?)p!["type"] == "image_url")!;
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), (string?)image["image_url"]!["url"]);

        // The answer is plain text: markers gone, the model's HTML shown literally and never turned into elements.
        string answer = await session.TextAsync(".msg.assistant .answer");
        Assert.Equal(Scripts.VisibleAnswer, answer);
        Assert.DoesNotContain("<|", await page.InnerTextAsync("#transcript"));
        Assert.Equal(0, await page.EvalOnSelectorAsync<int>(".msg.assistant .answer", "e => e.childElementCount"));
        Assert.Equal(0, await page.Locator("#transcript b, .msg.assistant .answer img").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"));

        // Reasoning sits in a closed <details>: present, but not shown until opened.
        var details = page.Locator(".msg.assistant details.reasoning");
        Assert.False(await details.EvaluateAsync<bool>("d => d.open"));
        Assert.Equal(Scripts.Reasoning, await session.TextAsync(".msg.assistant details.reasoning .text"));
        Assert.False(await page.IsVisibleAsync(".msg.assistant details.reasoning .text"));
        await page.ClickAsync(".msg.assistant details.reasoning summary");
        Assert.True(await page.IsVisibleAsync(".msg.assistant details.reasoning .text"));

        // The box [100,200,500,600] in thousandths, drawn over the displayed image.
        var shown = await BoundsAsync(page, ".msg.assistant .grounding img");
        var box = await BoundsAsync(page, ".msg.assistant .grounding .box");
        Assert.True(shown.Width > 50 && shown.Height > 30, $"the grounding image is displayed ({shown.Width}×{shown.Height})");
        AssertNear(shown.X + 0.1 * shown.Width, box.X, "left");
        AssertNear(shown.Y + 0.2 * shown.Height, box.Y, "top");
        AssertNear(0.4 * shown.Width, box.Width, "width");
        AssertNear(0.4 * shown.Height, box.Height, "height");
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), await page.GetAttributeAsync(".msg.assistant .grounding img", "src"));

        session.AssertSelfContained();
    }

    [Fact]
    public async Task Tool_calls_are_shown_and_the_whole_history_is_sent_each_turn()
    {
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await page.SelectOptionAsync("#model", ModelIds[1]);

        await session.SendAsync("Hello");
        Assert.Equal(0, await page.Locator(".grounding img").CountAsync()); // a box without any image draws nothing
        await session.SendAsync("Now " + Scripts.ToolTrigger);

        var call = page.Locator(".msg.assistant").Nth(1).Locator(".tool-call");
        Assert.Contains(Scripts.ToolName, await call.Locator(".name").TextContentAsync());
        var arguments = JsonNode.Parse((await call.Locator("pre").TextContentAsync())!)!;
        Assert.Equal("Paris", (string?)arguments["city"]);

        var second = Server.Requests.ToArray()[1].Body;
        Assert.Equal(ModelIds[1], (string?)second["model"]);
        var messages = second["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal("Hello", (string?)messages[0]!["content"]);
        // The assistant turn goes back as the model wrote it, box markers included.
        Assert.Contains("<|begin_of_box|>[100,200,500,600]<|end_of_box|>", (string?)messages[1]!["content"]);

        // After the tool-call turn the history carries the call (a client could answer it with a tool message).
        await session.SendAsync("Thanks");
        var third = Server.Requests.ToArray()[2].Body["messages"]!.AsArray();
        var toolCall = third[3]!["tool_calls"]![0]!;
        Assert.Equal("call_1", (string?)toolCall["id"]);
        Assert.Equal(Scripts.ToolName, (string?)toolCall["function"]!["name"]);
        Assert.Equal("{\"city\": \"Paris\"}", (string?)toolCall["function"]!["arguments"]);
        session.AssertSelfContained();
    }

    [Fact]
    public async Task A_server_error_object_is_shown_inline_and_the_api_key_is_sent_as_a_bearer_token()
    {
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await page.FillAsync("#api-key", "sk-local-test");
        await page.DispatchEventAsync("#api-key", "change");

        await session.SendAsync("Summarize this, " + Scripts.FailTrigger);

        string error = await session.TextAsync(".msg.assistant .error");
        Assert.Contains(Scripts.ErrorMessage, error);
        Assert.Contains(Scripts.ErrorCode, error);
        Assert.Contains("400", error);
        Assert.Equal("Bearer sk-local-test", Assert.Single(Server.Requests).Authorization);
        Assert.Equal("sk-local-test", await page.EvaluateAsync<string>("() => sessionStorage.getItem('glm4v.apiKey')"));

        // The failed turn is not history: the next request carries only the new question.
        await session.SendAsync("Hello again");
        var messages = Server.Requests.ToArray()[1].Body["messages"]!.AsArray();
        Assert.Equal("Hello again", (string?)Assert.Single(messages)!["content"]);
        session.AssertSelfContained();
    }

    [Fact]
    public async Task Stop_aborts_the_stream_and_the_server_sees_the_disconnect()
    {
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        Server.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await session.SendAsync("Where is the cat?", waitForEnd: false);
        await page.WaitForFunctionAsync("t => document.querySelector('.msg.assistant .answer')?.textContent === t", Scripts.AnswerBeforeGate);

        await page.ClickAsync("#stop");
        await session.WaitForIdleAsync();
        Assert.Contains("Stopped", await session.TextAsync(".msg.assistant .note"));
        await Server.ClientDisconnected.Task.WaitAsync(TimeSpan.FromSeconds(30));
        session.AssertSelfContained();
    }

    [Fact]
    public async Task A_pasted_image_is_attached_and_shift_enter_adds_a_line()
    {
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        byte[] png = Png();
        await page.FocusAsync("#input");
        // A synthetic paste with an image file on the clipboard, as Ctrl+V of a screenshot produces.
        await page.EvaluateAsync(@"b64 => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const data = new DataTransfer();
            data.items.add(new File([bytes], 'shot.png', { type: 'image/png' }));
            document.getElementById('input').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        }", Convert.ToBase64String(png));
        await page.WaitForSelectorAsync(".attachments img");

        await page.Locator("#input").PressSequentiallyAsync("first line");
        await page.PressAsync("#input", "Shift+Enter");
        await page.Locator("#input").PressSequentiallyAsync("second line");
        Assert.Empty(Server.Requests);
        await page.PressAsync("#input", "Enter");
        await session.WaitForIdleAsync();

        var parts = Assert.Single(Server.Requests).Body["messages"]![0]!["content"]!.AsArray();
        Assert.Contains(parts, p => (string?)p!["text"] == "first line\nsecond line");
        Assert.Contains(parts, p => (string?)p!["image_url"]?["url"] == "data:image/png;base64," + Convert.ToBase64String(png));
        Assert.Equal(1, await page.Locator(".msg.assistant .grounding .box").CountAsync());
        session.AssertSelfContained();
    }

    private static async Task<LocatorBoundingBoxResult> BoundsAsync(IPage page, string selector) =>
        await page.Locator(selector).BoundingBoxAsync() ?? throw new Xunit.Sdk.XunitException($"{selector} is not displayed");

    private static void AssertNear(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1.5, $"box {what}: expected {expected:F1}px, got {actual:F1}px");

    /// <summary>A 400×300 PNG (not square, so x and y scaling differ).</summary>
    private static byte[] Png()
    {
        using var bitmap = new SKBitmap(400, 300);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(40, 90, 160));
            using var paint = new SKPaint { Color = SKColors.Orange };
            canvas.DrawRect(40, 60, 160, 120, paint);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
