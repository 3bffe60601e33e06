using Glm4vSK.Agents.Executors;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// Turns the key names the GUI protocols write (web <c>Key; [Return]</c>, PC <c>key(keys='ctrl+c')</c> in
/// pyautogui style, X keysyms such as <c>Return</c> or <c>Page_Down</c>) into Playwright key names
/// (<c>Enter</c>, <c>Control+c</c>, <c>PageDown</c>). Combos are joined with <c>+</c>; several whitespace-separated
/// combos are pressed one after another. Names are matched case-insensitively.
/// </summary>
internal static class PlaywrightKeys
{
    private static readonly Dictionary<string, string> Names = BuildNames();

    private static Dictionary<string, string> BuildNames()
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(string key, params string[] aliases)
        {
            names[key] = key;
            foreach (string alias in aliases) names[alias] = key;
        }

        Add("Control", "ctrl", "control", "ctl", "ctrlleft", "ctrlright", "lctrl", "rctrl", "ctrl_l", "ctrl_r", "control_l", "control_r");
        Add("Alt", "alt", "altleft", "altright", "lalt", "ralt", "option", "opt", "alt_l", "alt_r", "altgr");
        Add("Shift", "shift", "shiftleft", "shiftright", "lshift", "rshift", "shift_l", "shift_r");
        Add("Meta", "meta", "super", "win", "windows", "winleft", "winright", "cmd", "command", "super_l", "super_r");
        Add("ControlOrMeta", "controlormeta", "ctrlormeta", "ctrlorcmd");
        Add("Enter", "enter", "return", "ret", "newline", "kp_enter");
        Add("Escape", "esc", "escape");
        Add("Tab", "tab");
        Add("Backspace", "backspace", "back_space", "bksp");
        Add("Delete", "delete", "del");
        Add("Insert", "insert", "ins");
        Add("Home", "home");
        Add("End", "end");
        Add("PageUp", "pageup", "page_up", "pgup", "prior");
        Add("PageDown", "pagedown", "page_down", "pgdn", "next");
        Add("ArrowUp", "up", "arrowup", "uparrow", "arrow_up");
        Add("ArrowDown", "down", "arrowdown", "downarrow", "arrow_down");
        Add("ArrowLeft", "left", "arrowleft", "leftarrow", "arrow_left");
        Add("ArrowRight", "right", "arrowright", "rightarrow", "arrow_right");
        Add("Space", "space", "spacebar");
        Add("CapsLock", "capslock", "caps_lock", "caps");
        Add("NumLock", "numlock", "num_lock");
        Add("ScrollLock", "scrolllock", "scroll_lock");
        Add("PrintScreen", "printscreen", "print_screen", "prtsc", "prtscr", "print");
        Add("Pause", "pause", "break");
        Add("ContextMenu", "menu", "apps", "contextmenu");
        for (int i = 1; i <= 24; i++) Add($"F{i}");

        (string Char, string[] Aliases)[] punctuation =
        [
            ("+", ["plus"]), ("-", ["minus", "hyphen", "dash"]), ("=", ["equal", "equals"]), (",", ["comma"]),
            (".", ["period", "dot"]), ("/", ["slash"]), ("\\", ["backslash"]), (";", ["semicolon"]),
            (":", ["colon"]), ("'", ["apostrophe", "quote"]), ("\"", ["quotedbl", "doublequote"]),
            ("`", ["grave", "backtick", "backquote"]), ("~", ["asciitilde", "tilde"]), ("!", ["exclam"]),
            ("@", ["at"]), ("#", ["numbersign", "hash"]), ("$", ["dollar"]), ("%", ["percent"]),
            ("^", ["asciicircum", "caret"]), ("&", ["ampersand"]), ("*", ["asterisk", "star"]),
            ("(", ["parenleft"]), (")", ["parenright"]), ("[", ["bracketleft"]), ("]", ["bracketright"]),
            ("{", ["braceleft"]), ("}", ["braceright"]), ("<", ["less"]), (">", ["greater"]),
            ("?", ["question"]), ("_", ["underscore"]), ("|", ["bar", "pipe"]),
        ];
        foreach (var (ch, aliases) in punctuation)
            foreach (string alias in aliases) names[alias] = ch;
        return names;
    }

    /// <summary>
    /// Translates <paramref name="keys"/> into Playwright key presses (one combo per entry, for
    /// <c>Keyboard.PressAsync</c>), or returns <see langword="false"/> with a reason the model can act on.
    /// </summary>
    internal static bool TryTranslate(string? keys, out IReadOnlyList<string> presses, out string? error) =>
        KeyCombos.TryTranslate(keys, ToKey, "the key action needs a key name, e.g. 'Return' or 'ctrl+c'",
            "Return, ctrl, alt, shift, tab, esc, backspace, up, pagedown, f5", out presses, out error);

    /// <summary>The Playwright key for one name, or <see langword="null"/> when unknown.</summary>
    internal static string? ToKey(string name, bool inCombo)
    {
        if (name.Length == 1)
        {
            char c = name[0];
            // In a combo a letter names the key (ctrl+C = ctrl+c); alone, an upper-case letter is typed as such.
            if (char.IsAsciiLetter(c)) return inCombo ? char.ToLowerInvariant(c).ToString() : name;
            if (c == ' ') return "Space";
            return char.IsControl(c) ? null : name;
        }
        return Names.TryGetValue(name, out string? key) ? key : null;
    }
}
