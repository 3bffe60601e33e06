namespace Glm4vSK.Formats.Testing;

/// <summary>Ways of cutting a text into pushes.</summary>
public static class Chunking
{
    public static IEnumerable<string> CharByChar(string text) => text.Select(c => c.ToString());

    /// <summary>Random cuts (pieces of 1–12 characters, sometimes empty pieces), reproducible from <paramref name="random"/>.</summary>
    public static List<string> Random(string text, Random random)
    {
        var pieces = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            if (random.Next(10) == 0) pieces.Add("");
            int len = Math.Min(text.Length - i, random.Next(1, 13));
            pieces.Add(text.Substring(i, len));
            i += len;
        }
        return pieces;
    }

    /// <summary>A seed that does not change between runs (string.GetHashCode does).</summary>
    public static int StableSeed(string s)
    {
        unchecked
        {
            uint h = 2166136261;
            foreach (char c in s) h = (h ^ c) * 16777619;
            return (int)(h & 0x7fffffff);
        }
    }
}
