using System.Text.Json.Nodes;
using Glm4vSK.Agents.Actions;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Protocols;
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

    /// <summary>The raw answer of one line of <c>formats/gui_actions.jsonl</c>.</summary>
    public static string Fixture(string id)
    {
        string path = Path.Combine(FixtureRoot.Require(), "formats", "gui_actions.jsonl");
        foreach (string line in File.ReadLines(path))
        {
            if (line.Trim().Length == 0) continue;
            var o = (JsonObject)JsonNode.Parse(line)!;
            if ((string)o["id"]! == id) return (string)o["text"]!;
        }
        throw new InvalidOperationException($"'{path}' has no line with id '{id}'.");
    }

    /// <summary>The ids of the fixture lines for one platform (and family filter).</summary>
    public static IEnumerable<string> FixtureIds(Func<string, string, bool> familyPlatform)
    {
        string path = Path.Combine(FixtureRoot.Require(), "formats", "gui_actions.jsonl");
        foreach (string line in File.ReadLines(path))
        {
            if (line.Trim().Length == 0) continue;
            var o = (JsonObject)JsonNode.Parse(line)!;
            if (familyPlatform((string)o["family"]!, (string)o["platform"]!)) yield return (string)o["id"]!;
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
