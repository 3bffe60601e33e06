namespace Glm4vSK.Agents.Web;

/// <summary>Text shaping for outcomes and error messages of the web executor.</summary>
internal static class WebText
{
    /// <summary><paramref name="text"/> on one line, cut to <paramref name="max"/> characters with an ellipsis.</summary>
    internal static string Shorten(string text, int max)
    {
        string flat = text.ReplaceLineEndings(" ");
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }

    /// <summary>The first line of a (Playwright) error message, without its final period, for a one-line outcome.</summary>
    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim().TrimEnd('.');
}
