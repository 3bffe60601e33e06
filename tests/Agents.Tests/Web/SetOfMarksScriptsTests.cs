using Glm4vSK.Agents.Web;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>The in-page scripts are embedded .js files; each loads, with the shared helpers pasted in.</summary>
public sealed class SetOfMarksScriptsTests
{
    private static readonly Dictionary<string, string> WithHelpers = new()
    {
        [nameof(SetOfMarks.MarkScript)] = SetOfMarks.MarkScript,
        [nameof(SetOfMarks.UnmarkScript)] = SetOfMarks.UnmarkScript,
        [nameof(SetOfMarks.ElementAtPointScript)] = SetOfMarks.ElementAtPointScript,
        [nameof(SetOfMarks.FocusedElementScript)] = SetOfMarks.FocusedElementScript,
        [nameof(SetOfMarks.SelectOptionScript)] = SetOfMarks.SelectOptionScript,
        [nameof(SetOfMarks.ScrollScript)] = SetOfMarks.ScrollScript,
    };

    public static TheoryData<string> ScriptNames => [.. WithHelpers.Keys];

    [Theory]
    [MemberData(nameof(ScriptNames))]
    public void Script_is_a_function_with_the_helpers_pasted_in(string name)
    {
        string script = WithHelpers[name];

        Assert.Matches(@"^\(\w*\) => \{\n", script);
        Assert.DoesNotContain("/* helpers */", script, StringComparison.Ordinal);
        Assert.Contains($"const OVERLAY = '{SetOfMarks.OverlayId}';", script, StringComparison.Ordinal);
        Assert.Contains("const describe = ", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_frames_script_is_loaded()
    {
        Assert.StartsWith("() => new Promise(r => requestAnimationFrame(", SetOfMarks.TwoFramesScript, StringComparison.Ordinal);
    }

    [Fact]
    public void Assembly_embeds_each_script_under_one_prefix()
    {
        const string prefix = "Glm4vSK.Agents.Web.Scripts.";
        string[] resources = typeof(SetOfMarks).Assembly.GetManifestResourceNames();

        Assert.All(resources, r => Assert.StartsWith(prefix, r, StringComparison.Ordinal));
        Assert.Equal(
            ["element-at-point.js", "focused-element.js", "helpers.js", "mark.js", "scroll.js", "select-option.js", "two-frames.js", "unmark.js"],
            resources.Select(r => r[prefix.Length..]).Order(StringComparer.Ordinal));
    }
}
