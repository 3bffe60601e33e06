using Glm4vSK.Agents.Executors;

namespace Glm4vSK.Agents.Tests.Desktop;

/// <summary>GLM-V / pyautogui key names → X keysym combos for <c>xdotool key</c>.</summary>
public sealed class XdotoolKeysTests
{
    [Theory]
    [InlineData("ctrl+c", "Control_L+c")]
    [InlineData("Ctrl+C", "Control_L+c")]
    [InlineData("ctrl+shift+T", "Control_L+Shift_L+t")]
    [InlineData("enter", "Return")]
    [InlineData("Return", "Return")]
    [InlineData("ENTER", "Return")]
    [InlineData("esc", "Escape")]
    [InlineData("escape", "Escape")]
    [InlineData("tab", "Tab")]
    [InlineData("shift+tab", "Shift_L+Tab")]
    [InlineData("backspace", "BackSpace")]
    [InlineData("delete", "Delete")]
    [InlineData("up", "Up")]
    [InlineData("down", "Down")]
    [InlineData("left", "Left")]
    [InlineData("right", "Right")]
    [InlineData("pageup", "Prior")]
    [InlineData("pagedown", "Next")]
    [InlineData("home", "Home")]
    [InlineData("end", "End")]
    [InlineData("space", "space")]
    [InlineData(" ", "space")]
    [InlineData("cmd+space", "Super_L+space")]
    [InlineData("win", "Super_L")]
    [InlineData("super+l", "Super_L+l")]
    [InlineData("alt+f4", "Alt_L+F4")]
    [InlineData("F5", "F5")]
    [InlineData("f12", "F12")]
    [InlineData("ctrl++", "Control_L+plus")]
    [InlineData("+", "plus")]
    [InlineData("ctrl+-", "Control_L+minus")]
    [InlineData("ctrl + a", "Control_L+a")]
    [InlineData("a", "a")]
    [InlineData("A", "A")]
    [InlineData("7", "7")]
    [InlineData("/", "slash")]
    [InlineData("KP_Enter", "KP_Enter")]
    [InlineData("XF86AudioMute", "XF86AudioMute")]
    public void Single_combo_maps_to_keysyms(string keys, string expected)
    {
        Assert.True(XdotoolKeys.TryTranslate(keys, out var strokes, out string? error), error);
        Assert.Equal([expected], strokes);
    }

    [Fact]
    public void Whitespace_separates_keystrokes()
    {
        Assert.True(XdotoolKeys.TryTranslate("ctrl+a ctrl+c", out var strokes, out _));
        Assert.Equal(["Control_L+a", "Control_L+c"], strokes);
    }

    [Theory]
    [InlineData("foobarkey", "foobarkey")]
    [InlineData("ctrl+nosuchkey", "nosuchkey")]
    [InlineData("ctrl+", "ctrl+")]
    [InlineData("+ctrl", "+ctrl")]
    [InlineData("", "keys")]
    public void Unknown_or_malformed_keys_are_refused_with_the_culprit_named(string keys, string named)
    {
        Assert.False(XdotoolKeys.TryTranslate(keys, out var strokes, out string? error));
        Assert.Empty(strokes);
        Assert.Contains(named, error);
    }
}
