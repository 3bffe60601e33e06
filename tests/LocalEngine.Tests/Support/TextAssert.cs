using System.Text;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>Exact string comparison that reports the first differing index with escaped context.</summary>
public static class TextAssert
{
    public static void Identical(string expected, string actual, string? what = null)
    {
        if (string.Equals(expected, actual, StringComparison.Ordinal)) return;
        int i = 0;
        int n = Math.Min(expected.Length, actual.Length);
        while (i < n && expected[i] == actual[i]) i++;
        int from = Math.Max(0, i - 60);
        Assert.Fail(
            $"{what}{(what is null ? "" : ": ")}strings differ at index {i} (expected length {expected.Length}, actual length {actual.Length}).\n" +
            $"  expected …{Escape(expected, from, i + 60)}…\n" +
            $"  actual   …{Escape(actual, from, i + 60)}…\n" +
            $"  common prefix ends: …{Escape(expected, from, i)}");
    }

    static string Escape(string s, int from, int to)
    {
        var sb = new StringBuilder();
        for (int k = from; k < Math.Min(to, s.Length); k++)
        {
            char c = s[k];
            sb.Append(c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ when c < ' ' => $"\\u{(int)c:x4}", _ => c.ToString() });
        }
        return sb.ToString();
    }
}
