using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.Formats.Gui;

namespace Glm4vSK.Formats.Tests.Gui;

/// <summary>One theory row per non-empty line of <c>formats/gui_actions.jsonl</c>.</summary>
public sealed class GuiActionFixtureTests
{
    private const string File = "gui_actions.jsonl";

    private static readonly HashSet<string> KnownKeys =
        ["id", "family", "platform", "text", "screen_width", "screen_height", "expected_action", "note"];

    private static string FilePath => Path.Combine(FixtureRoot.Require(), "formats", File);

    private static IEnumerable<JsonObject> Lines() =>
        System.IO.File.ReadLines(FilePath).Where(l => l.Trim().Length > 0).Select(l => (JsonObject)JsonNode.Parse(l)!);

    public static TheoryData<string> Vectors()
    {
        var ids = Lines().Select(o => "gui_actions:" + (string)o["id"]!).ToList();
        if (ids.Count == 0) throw new InvalidOperationException($"'{FilePath}' has no vectors.");
        return new TheoryData<string>(ids);
    }

    [Fact]
    public void Fixture_file_exists_and_has_unique_vectors()
    {
        Assert.True(System.IO.File.Exists(FilePath), $"'{FilePath}' does not exist.");
        var ids = Lines().Select(o => (string)o["id"]!).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    /// <summary>The parser for a line: AutoGLM by family, else GLM-V by platform.</summary>
    internal static IGuiActionParser ParserFor(JsonObject v)
    {
        string family = (string)v["family"]!, platform = (string)v["platform"]!;
        if (family == "autoglm-phone") return GuiActionParsers.For(GuiProtocol.AutoGlmPhone);
        Assert.Contains(family, (string[])["glm-4.1v", "glm-4.5v"]);
        return platform switch
        {
            "mobile" => GuiActionParsers.For(GuiProtocol.GlmVMobile),
            "pc" => GuiActionParsers.For(GuiProtocol.GlmVPc),
            "web" => GuiActionParsers.For(GuiProtocol.GlmVWeb),
            _ => throw new Xunit.Sdk.XunitException($"unknown platform '{platform}'"),
        };
    }

    [Theory, MemberData(nameof(Vectors))]
    public void Parses_as_the_fixture_says(string caseId)
    {
        Assert.StartsWith("gui_actions:", caseId);
        string id = caseId["gui_actions:".Length..];
        var v = Assert.Single(Lines(), o => (string)o["id"]! == id);
        foreach (var (key, _) in v) Assert.Contains(key, KnownKeys);

        string text = (string)v["text"]!;
        var result = ParserFor(v).Parse(text);
        Assert.Equal(text, result.RawText);

        JsonNode? expected = v["expected_action"];
        if (expected is null)
        {
            Assert.False(result.IsSuccess, $"expected a rejection, got {result}");
            Assert.False(string.IsNullOrWhiteSpace(result.Reason));
            Assert.Null(result.Action);
            return;
        }

        Assert.True(result.IsSuccess, $"expected an action, got {result}");
        var action = result.Action;
        Assert.Equal((string)expected["type"]!, action.Type);
        var args = action.ArgsToJson();
        Assert.True(JsonNode.DeepEquals(expected["args"], args),
            $"args: expected {Js.Of(expected["args"])}, got {Js.Of(args)}");
        // Value kinds must match exactly (an int is not a string, a bool is not an int).
        AssertSameKinds(expected["args"], action.Args);

        int width = (int)v["screen_width"]!, height = (int)v["screen_height"]!;
        JsonNode? pixel = expected["pixel_point"];
        var actual = action.ToPixels(width, height);
        if (pixel is null)
        {
            Assert.Null(action.Point);
            Assert.Null(actual);
        }
        else
        {
            Assert.NotNull(actual);
            // Python's round-half-even on binary floats may differ from Math.Round in the last cent.
            Assert.Equal((double)pixel[0]!, actual.Value.X, 0.006);
            Assert.Equal((double)pixel[1]!, actual.Value.Y, 0.006);
        }
    }

    /// <summary>Walks the parsed values themselves: an int must be a <see cref="long"/>, a float a <see cref="double"/>, a bool a <see cref="bool"/>.</summary>
    private static void AssertSameKinds(JsonNode? expected, object? actual)
    {
        switch (expected)
        {
            case null:
                Assert.Null(actual);
                break;
            case JsonObject o:
                var dict = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(actual);
                foreach (var (k, child) in o) AssertSameKinds(child, dict[k]);
                break;
            case JsonArray a:
                var list = Assert.IsAssignableFrom<IReadOnlyList<object?>>(actual);
                Assert.Equal(a.Count, list.Count);
                for (int i = 0; i < a.Count; i++) AssertSameKinds(a[i], list[i]);
                break;
            default:
                switch (expected.GetValueKind())
                {
                    case JsonValueKind.String: Assert.IsType<string>(actual); break;
                    case JsonValueKind.True or JsonValueKind.False: Assert.IsType<bool>(actual); break;
                    case JsonValueKind.Number when expected.ToJsonString().IndexOfAny(['.', 'e', 'E']) < 0: Assert.IsType<long>(actual); break;
                    case JsonValueKind.Number: Assert.IsType<double>(actual); break;
                    default: throw new Xunit.Sdk.XunitException($"unexpected JSON value {expected}");
                }
                break;
        }
    }
}
