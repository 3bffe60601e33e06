namespace Glm4vSK.Agents.Executors;

/// <summary>
/// Quoting for the device's shell. <c>adb shell a b c</c> does not pass an argument vector to the device: the
/// client joins its arguments with single spaces (like ssh, AOSP b/20564385) and the device runs the line with
/// <c>sh -c</c>. So an argument that must arrive as one word, unexpanded, has to be quoted for that shell. (The
/// host side never sees a shell: adb is started with an argument list.) <c>adb exec-out</c> quotes every argument after the
/// first itself (seen with adb 1.0.41), so the executor only uses it for the fixed <c>screencap -p</c>.
/// </summary>
internal static class AndroidShellQuoting
{
    /// <summary>
    /// <paramref name="word"/> unchanged when it holds only characters no shell treats specially
    /// (<c>A–Z a–z 0–9 _ - . / : , + = @ %</c>), else wrapped in single quotes with each <c>'</c> written as
    /// <c>'\''</c>. An empty word becomes <c>''</c>.
    /// </summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length > 0 && word.All(IsSafe)) return word;
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static bool IsSafe(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-' or '.' or '/' or ':' or ',' or '+' or '=' or '@' or '%';
}
