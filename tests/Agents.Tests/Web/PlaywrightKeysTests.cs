using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Web;

namespace Glm4vSK.Agents.Tests.Web;

/// <summary>Key names of the GUI protocols → Playwright key names.</summary>
public sealed class PlaywrightKeysTests
{
    [Theory]
    [InlineData("Return", "Enter")]
    [InlineData("enter", "Enter")]
    [InlineData("esc", "Escape")]
    [InlineData("tab", "Tab")]
    [InlineData("ctrl+c", "Control+c")]
    [InlineData("Ctrl+Shift+T", "Control+Shift+t")]
    [InlineData("alt + f4", "Alt+F4")]
    [InlineData("cmd+space", "Meta+Space")]
    [InlineData("pagedown", "PageDown")]
    [InlineData("Page_Down", "PageDown")]
    [InlineData("up", "ArrowUp")]
    [InlineData("ctrl++", "Control++")]
    [InlineData("A", "A")]
    [InlineData("shift+tab", "Shift+Tab")]
    [InlineData("cmd+F5", "Meta+F5")]
    [InlineData("page_down", "PageDown")]
    public void TryTranslate_MapsOneCombo(string keys, string expected)
    {
        Assert.True(PlaywrightKeys.TryTranslate(keys, out var presses, out string? error), error);
        Assert.Equal([expected], presses);
    }

    [Fact]
    public void TryTranslate_SpaceSeparatedCombos_ArePressedInTurn()
    {
        Assert.True(PlaywrightKeys.TryTranslate("ctrl+a backspace", out var presses, out _));
        Assert.Equal(["Control+a", "Backspace"], presses);
    }

    [Theory]
    [InlineData("ctrl+bogus", "bogus")]
    [InlineData("ctrl+", "malformed")]
    [InlineData("", "needs a key")]
    [InlineData("hyper", "hyper")]
    public void TryTranslate_RejectsWithAReason(string keys, string reasonPart)
    {
        Assert.False(PlaywrightKeys.TryTranslate(keys, out _, out string? error));
        Assert.Contains(reasonPart, error);
    }
}
