using System.Text.Json.Nodes;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;
using SkiaSharp;

namespace Glm4vSK.Agents.Tests.Prompts;

/// <summary>Screenshots, fixture answers and message inspection for the prompt-builder tests.</summary>
internal static class PromptTestKit
{
    /// <summary>A solid-colour PNG (SkiaSharp) whose red channel is <paramref name="shade"/>: lets a test tell screenshots apart.</summary>
    public static Screenshot Png(int width, int height, byte shade)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        surface.Canvas.Clear(new SKColor(shade, 40, 200));
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return Screenshot.FromEncoded(data.ToArray());
    }

    /// <summary>Size and red channel (at the centre) of an image part.</summary>
    public static (int Width, int Height, byte Shade) Inspect(AIContent part)
    {
        var data = Assert.IsType<DataContent>(part);
        Assert.StartsWith("image/", data.MediaType);
        using var bitmap = SKBitmap.Decode(data.Data.ToArray());
        Assert.NotNull(bitmap);
        return (bitmap.Width, bitmap.Height, bitmap.GetPixel(bitmap.Width / 2, bitmap.Height / 2).Red);
    }

    /// <summary>
    /// Realistic model answers, copied from the shared <c>formats/gui_actions.jsonl</c> (the id is that line's): the
    /// prompt tests need specific answers, and must not depend on which lines another fixture set holds.
    /// </summary>
    private static readonly Dictionary<string, string> Samples = new(StringComparer.Ordinal)
    {
        ["A-ag-finish-en"] = "<think>\nThe search results are displayed.\n</think>\n<answer>\nfinish(message=\"Task completed.\")\n</answer>",
        ["A-ag-launch"] = "<think>需要先打开微信</think>\n<answer>do(action=\"Launch\", app=\"微信\")</answer>",
        ["A-ag-reject-unknown"] = "<think>Fly there.</think>\n<answer>do(action=\"Teleport\", element=[1, 2])</answer>",
        ["A-ag-tap-readme"] = "<think>eBay is now open, need to tap the search box</think>\n<answer>do(action=\"Tap\", element=[499, 182])</answer>",
        ["A-mob-click-verbatim"] = "Memory: None\nReason: test\nAction: <|begin_of_box|>{\"action_type\": \"click\", \"box_2d\": [[503,580,718,702]]}<|end_of_box|>",
        ["A-mob-input_text-override-python-literal"] = "Memory: None\nReason: test\nAction: <|begin_of_box|>{'action_type': 'input_text', 'text': 'Personal Finance Tracker', 'override': True, 'box_2d': [[38, 115, 961, 140]]}<|end_of_box|>",
        ["A-mob-open_app"] = "<think>The user needs to access the Broccoli app to manage recipes.</think><answer>Memory: None\nReason: The user needs to access the Broccoli app to manage recipes. Since the app is not visible on the current home screen, the first step is to open the Broccoli app.\nAction: <|begin_of_box|>{\"action_type\": \"open_app\", \"app_name\": \"Broccoli\"}<|end_of_box|></answer>",
        ["A-mob-reject-click-without-box"] = "Memory: None\nReason: test\nAction: <|begin_of_box|>{\"action_type\": \"click\"}<|end_of_box|>",
        ["A-mob-reject-double-braces"] = "Memory: None\nReason: test\nAction: <|begin_of_box|>{{\"box_2d\": [[503,480,718,602]], \"action_type\": \"click\"}}<|end_of_box|>",
        ["A-pc-left_click-docs"] = "<think>I'm now on the Google Shopping homepage.</think><answer>I'm now on the Google Shopping homepage. To start this search, I need to click on the search box in the center of the screen. <|begin_of_box|>left_click(start_box='[376,465]')<|end_of_box|>\nMemory:\n[]</answer>",
        ["A-pc-right_click"] = "I need the context menu of the file to rename it. <|begin_of_box|>right_click(start_box='[412, 388]', element_info='report.odt')<|end_of_box|>\nMemory:\n[{\"file\": \"report.odt\"}]",
        ["A-pc-scroll-verbatim"] = "<think>test</think>Action: <|begin_of_box|>scroll(start_box='[200, 200]', direction='down', step=3)<|end_of_box|>",
        ["A-pc-type"] = "<think>The search box is focused.</think><answer>The search box is focused. I'll type the search terms. <|begin_of_box|>type(content='drip coffee maker black')<|end_of_box|>\nMemory:\n[]</answer>",
        ["A-web-answer"] = "<think>The page lists the capital as Guatemala City; the country is Guatemala.</think><answer>Thought: The page lists the capital as Guatemala City; the country is Guatemala.\nAction: ANSWER; <content>Guatemala</content>\nMemory_Updated: {\"country\": \"Guatemala\"}</answer>",
        ["A-web-click"] = "<think>The task is to find a specific GitHub repository.</think><answer>Thought: The task is to find a specific GitHub repository. I need to use the search bar to start the search. The search bar is labeled 9.\nAction: Click [9]\nMemory_Updated: {}</answer>",
        ["A-web-type"] = "Thought: I'm on the homepage of Allrecipes.com. I'll type the recipe name into the search box.\nAction: <|begin_of_box|>Type [1]; [Vegetarian Lasagna]<|end_of_box|>\nMemory_Updated: {}",
    };

    /// <summary>A realistic raw model answer (see <see cref="Samples"/>).</summary>
    public static string Fixture(string id) =>
        Samples.TryGetValue(id, out string? text) ? text : throw new InvalidOperationException($"no sample answer '{id}'");

    /// <summary>The raw answers of every line of <c>$GLM4V_FIXTURES/formats/gui_actions.jsonl</c> for one family/platform.</summary>
    public static IEnumerable<string> FixtureTexts(Func<string, string, bool> familyPlatform)
    {
        string path = Path.Combine(FixtureRoot.Require(), "formats", "gui_actions.jsonl");
        foreach (string line in File.ReadLines(path))
        {
            if (line.Trim().Length == 0) continue;
            var o = (JsonObject)JsonNode.Parse(line)!;
            if (familyPlatform((string)o["family"]!, (string)o["platform"]!)) yield return (string)o["text"]!;
        }
    }

    /// <summary>A history step as the agent loop records it: the raw answer, its parse, what was shown, a success.</summary>
    public static GuiHistoryStep Step(int index, GuiProtocol protocol, string output, GuiObservation? observation = null, GuiActionOutcome? outcome = null) =>
        new(index, output, GuiActionParsers.For(protocol).Parse(output).Action, observation ?? new GuiObservation(Png(40, 24, (byte)index)),
            outcome ?? GuiActionOutcome.Success($"did step {index}"));

    public static GuiPromptContext Context(Screenshot current, IReadOnlyList<GuiHistoryStep>? history = null, string task = "Find the weather",
        Func<GuiObservation, GuiObservation>? observation = null) => new()
    {
        Task = task,
        Current = observation?.Invoke(new GuiObservation(current)) ?? new GuiObservation(current),
        History = history ?? [],
        Now = new DateTimeOffset(2025, 7, 26, 10, 37, 0, TimeSpan.FromHours(8)),
    };

    /// <summary>The only message, checked to be one user message (the GLM-V recipes).</summary>
    public static ChatMessage SingleUser(IList<ChatMessage> messages)
    {
        var m = Assert.Single(messages);
        Assert.Equal(ChatRole.User, m.Role);
        return m;
    }

    /// <summary>All text parts joined.</summary>
    public static string Text(ChatMessage message) => string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));

    /// <summary>Asserts <paramref name="needles"/> occur in <paramref name="text"/> in this order.</summary>
    public static void InOrder(string text, params string[] needles)
    {
        int at = 0;
        foreach (string n in needles)
        {
            int found = text.IndexOf(n, at, StringComparison.Ordinal);
            Assert.True(found >= 0, $"'{n}' not found after offset {at}.");
            at = found + n.Length;
        }
    }

    /// <summary>The number of non-overlapping occurrences.</summary>
    public static int Count(string text, string needle)
    {
        int n = 0;
        for (int at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + needle.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>Type and arguments of a parse, for round-trip comparisons.</summary>
    public static string Describe(GuiAction? action) => action is null ? "(none)" : $"{action.Kind} {action.Name} {action.ArgsToJson().ToJsonString()}";
}
