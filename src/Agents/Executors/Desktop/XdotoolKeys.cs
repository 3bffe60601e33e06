namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Turns the key names GLM-V writes in PC <c>key(keys='…')</c> (pyautogui-style: <c>ctrl+c</c>, <c>enter</c>,
/// <c>esc</c>, <c>shift+tab</c>, <c>cmd+space</c>, <c>pagedown</c>) into X keysym combos for <c>xdotool key</c>
/// (<c>Control_L+c</c>, <c>Return</c>, …). Combos are joined with <c>+</c>; several whitespace-separated combos are
/// pressed one after another. Names are matched case-insensitively; anything else must be a keysym name libX11
/// knows (<c>KP_Enter</c>, <c>XF86AudioMute</c>).
/// </summary>
internal static class XdotoolKeys
{
    private static readonly Dictionary<string, string> Names = BuildNames();

    private static Dictionary<string, string> BuildNames()
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(string keysym, params string[] aliases)
        {
            names[keysym] = keysym;
            foreach (string alias in aliases) names[alias] = keysym;
        }

        Add("Control_L", "ctrl", "control", "ctl", "ctrlleft", "lctrl", "ctrl_l");
        Add("Control_R", "ctrlright", "rctrl", "ctrl_r");
        Add("Alt_L", "alt", "altleft", "lalt", "option", "opt", "alt_l");
        Add("Alt_R", "altright", "ralt", "altgr", "alt_r");
        Add("Shift_L", "shift", "shiftleft", "lshift", "shift_l");
        Add("Shift_R", "shiftright", "rshift", "shift_r");
        Add("Super_L", "super", "win", "windows", "winleft", "cmd", "command", "meta", "super_l", "win_l");
        Add("Super_R", "winright", "super_r", "win_r");
        Add("Return", "enter", "return", "ret", "newline");
        Add("Escape", "esc", "escape");
        Add("Tab", "tab");
        Add("BackSpace", "backspace", "back_space", "bksp");
        Add("Delete", "delete", "del");
        Add("Insert", "insert", "ins");
        Add("Home", "home");
        Add("End", "end");
        Add("Prior", "pageup", "page_up", "pgup", "prior");
        Add("Next", "pagedown", "page_down", "pgdn", "next");
        Add("Up", "up", "arrowup", "uparrow", "arrow_up");
        Add("Down", "down", "arrowdown", "downarrow", "arrow_down");
        Add("Left", "left", "arrowleft", "leftarrow", "arrow_left");
        Add("Right", "right", "arrowright", "rightarrow", "arrow_right");
        Add("space", "space", "spacebar");
        Add("Caps_Lock", "capslock", "caps_lock", "caps");
        Add("Num_Lock", "numlock", "num_lock");
        Add("Scroll_Lock", "scrolllock", "scroll_lock");
        Add("Print", "printscreen", "print_screen", "prtsc", "prtscr", "print");
        Add("Pause", "pause", "break");
        Add("Menu", "menu", "apps", "contextmenu");
        for (int i = 1; i <= 24; i++) Add($"F{i}", $"f{i}");

        // Punctuation by name and by character.
        (string Keysym, string Char, string[] Aliases)[] punctuation =
        [
            ("plus", "+", []), ("minus", "-", ["hyphen", "dash"]), ("equal", "=", ["equals"]), ("comma", ",", []),
            ("period", ".", ["dot"]), ("slash", "/", []), ("backslash", "\\", []), ("semicolon", ";", []),
            ("colon", ":", []), ("apostrophe", "'", ["quote"]), ("quotedbl", "\"", ["doublequote"]),
            ("grave", "`", ["backtick", "backquote"]), ("asciitilde", "~", ["tilde"]), ("exclam", "!", []),
            ("at", "@", []), ("numbersign", "#", ["hash"]), ("dollar", "$", []), ("percent", "%", []),
            ("asciicircum", "^", ["caret"]), ("ampersand", "&", []), ("asterisk", "*", ["star"]),
            ("parenleft", "(", []), ("parenright", ")", []), ("bracketleft", "[", []), ("bracketright", "]", []),
            ("braceleft", "{", []), ("braceright", "}", []), ("less", "<", []), ("greater", ">", []),
            ("question", "?", []), ("underscore", "_", []), ("bar", "|", ["pipe"]),
        ];
        foreach (var (keysym, ch, aliases) in punctuation)
        {
            Add(keysym, aliases);
            names[ch] = keysym;
        }
        return names;
    }

    /// <summary>
    /// Translates <paramref name="keys"/> into <c>xdotool key</c> arguments (one per keystroke), or returns
    /// <see langword="false"/> with a reason the model can act on.
    /// </summary>
    internal static bool TryTranslate(string? keys, out IReadOnlyList<string> keystrokes, out string? error) =>
        KeyCombos.TryTranslate(keys, ToKeysym, "key() needs keys, e.g. key(keys='ctrl+c')",
            "ctrl, alt, shift, enter, esc, tab, backspace, up, f5, or an X keysym", out keystrokes, out error);

    /// <summary>The keysym for one key name, or <see langword="null"/> when unknown.</summary>
    internal static string? ToKeysym(string name, bool inCombo)
    {
        if (name.Length == 1)
        {
            char c = name[0];
            // In a combo a letter names the key (ctrl+C = ctrl+c); alone, an upper-case letter is typed as such.
            if (char.IsAsciiLetter(c)) return inCombo ? char.ToLowerInvariant(c).ToString() : name;
            if (char.IsAsciiDigit(c)) return name;
            if (c == ' ') return "space";
            if (Names.TryGetValue(name, out string? punct)) return punct;
            return IsKnownKeysym(name) ? name : null;
        }
        if (Names.TryGetValue(name, out string? keysym)) return keysym;
        return IsKnownKeysym(name) ? name : null;
    }

    private static bool IsKnownKeysym(string name)
    {
        try
        {
            return X11Native.IsKeysym(name);
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }
}
