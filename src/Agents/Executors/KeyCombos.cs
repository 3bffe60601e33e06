using System.Text.RegularExpressions;

namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Splits the key strings the GUI protocols write (<c>ctrl+c</c>, <c>ctrl+a backspace</c>, <c>ctrl++</c>, a lone
/// space) into combos and keys, and translates each key with an executor's own key table
/// (<c>Glm4vSK.Agents.Web.PlaywrightKeys</c>, <see cref="XdotoolKeys"/>). Spaces around <c>+</c> are noise; other spaces separate
/// combos pressed one after another; a trailing <c>++</c> means the plus key.
/// </summary>
public static partial class KeyCombos
{
    /// <summary>
    /// Translates <paramref name="keys"/> into one string per combo (keys joined with <c>+</c>), or returns
    /// <see langword="false"/> with a reason the model can act on.
    /// </summary>
    /// <param name="toKey">One key name → the target's name, or <see langword="null"/> when unknown; the flag says whether the key is part of a combo.</param>
    /// <param name="emptyError">The error for a missing key string.</param>
    /// <param name="knownNames">Examples of valid names, for the unknown-key error.</param>
    public static bool TryTranslate(string? keys, Func<string, bool, string?> toKey, string emptyError, string knownNames,
        out IReadOnlyList<string> combos, out string? error)
    {
        combos = [];
        if (string.IsNullOrEmpty(keys))
        {
            error = emptyError;
            return false;
        }
        string[] raw = keys.Trim().Length == 0 ? [" "] : SpaceAroundPlus().Replace(keys.Trim(), "+").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = new List<string>(raw.Length);
        foreach (string combo in raw)
        {
            List<string> parts;
            if (combo == "+") parts = ["+"];
            else if (combo.EndsWith("++", StringComparison.Ordinal)) parts = [.. combo[..^2].Split('+'), "+"];
            else parts = [.. combo.Split('+')];
            if (parts.Any(p => p.Length == 0))
            {
                error = $"malformed key combo '{combo}' (join keys with '+', e.g. 'ctrl+shift+t')";
                return false;
            }
            var translated = new List<string>(parts.Count);
            foreach (string part in parts)
            {
                string? key = toKey(part, parts.Count > 1);
                if (key is null)
                {
                    error = $"unknown key '{part}' in '{combo}' (use names like {knownNames})";
                    return false;
                }
                translated.Add(key);
            }
            result.Add(string.Join('+', translated));
        }
        combos = result;
        error = null;
        return true;
    }

    [GeneratedRegex(@"\s*\+\s*")]
    private static partial Regex SpaceAroundPlus();
}
