namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Python <c>str</c> operations the chat templates call (<c>strip()</c>, <c>lstrip('\n')</c>, <c>rstrip('\n')</c>), with
/// Python's definition of whitespace, which differs from <see cref="char.IsWhiteSpace(char)"/> (Python also strips
/// U+001C..U+001F).
/// </summary>
internal static class PythonString
{
    /// <summary>Python's <c>str.isspace()</c> for one UTF-16 unit (every Python whitespace character is in the BMP).</summary>
    public static bool IsSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        >= '\u001c' and <= ' ' => true,
        '\u0085' or '\u00a0' or '\u1680' => true,
        >= '\u2000' and <= '\u200a' => true,
        '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' => true,
        _ => false,
    };

    /// <summary>Python's <c>s.strip()</c>.</summary>
    public static string Strip(string s)
    {
        var (start, end) = Strip(s, 0, s.Length);
        return s[start..end];
    }

    /// <summary><c>strip()</c> of the range [<paramref name="start"/>, <paramref name="end"/>): the trimmed range.</summary>
    public static (int Start, int End) Strip(string s, int start, int end)
    {
        while (start < end && IsSpace(s[start])) start++;
        while (end > start && IsSpace(s[end - 1])) end--;
        return (start, end);
    }

    /// <summary>Python's <c>s.strip()</c> is empty.</summary>
    public static bool IsBlank(string s)
    {
        foreach (char c in s)
            if (!IsSpace(c)) return false;
        return true;
    }
}
