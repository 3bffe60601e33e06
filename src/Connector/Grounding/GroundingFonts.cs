using System.Collections.Concurrent;
using SkiaSharp;

namespace Glm4vSK.Connector.Grounding;

/// <summary>
/// Finds a typeface that can render a label. <c>SKTypeface.Default</c> comes first; SkiaSharp's
/// <c>NativeAssets.Linux.NoDependencies</c> build has no fontconfig, so it may be an empty face with no glyphs, and then
/// the font files under the font directories (<c>/usr/share/fonts</c>, e.g. fonts-dejavu-core) are tried. No candidate →
/// <see cref="GroundingDrawingException"/>: text is never dropped silently.
/// </summary>
internal static class GroundingFonts
{
    static readonly string[] FontDirectories = ["/usr/share/fonts", "/usr/local/share/fonts"];
    static readonly string[] Preferred = ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "FreeSans.ttf"];
    static readonly ConcurrentDictionary<string, SKTypeface?> Loaded = new(StringComparer.Ordinal);
    static readonly Lazy<IReadOnlyList<string>> FontFiles = new(FindFontFiles);

    /// <summary>A typeface with glyphs for every character of <paramref name="text"/>.</summary>
    /// <param name="useDefault">False skips <c>SKTypeface.Default</c> (tests of the file fallback).</param>
    public static SKTypeface Resolve(string text, string? fontFile, bool useDefault = true)
    {
        if (fontFile is not null)
        {
            var face = Load(fontFile) ?? throw new GroundingDrawingException($"Font file '{fontFile}' could not be loaded.");
            if (!CanRender(face, text))
                throw new GroundingDrawingException($"Font file '{fontFile}' has no glyphs for some characters of the label '{text}'.");
            return face;
        }
        if (useDefault && CanRender(SKTypeface.Default, text)) return SKTypeface.Default;
        foreach (string file in FontFiles.Value)
        {
            var face = Load(file);
            if (face is not null && CanRender(face, text)) return face;
        }
        bool anyGlyphs = (useDefault && SKTypeface.Default.GlyphCount > 0) || FontFiles.Value.Count > 0;
        throw new GroundingDrawingException(anyGlyphs
            ? $"No font can render the label '{text}': neither SKTypeface.Default nor any font under {string.Join(", ", FontDirectories)} has glyphs for all its characters. Install a font that covers them or set GroundingDrawOptions.FontFile."
            : $"No font is available to draw the label '{text}': SKTypeface.Default has no glyphs (SkiaSharp without fontconfig) and no font file was found under {string.Join(", ", FontDirectories)}. Install fonts-dejavu-core or set GroundingDrawOptions.FontFile.");
    }

    internal static bool CanRender(SKTypeface face, string text)
    {
        if (face.GlyphCount == 0) return false;
        if (text.Length == 0) return true;
        using var font = new SKFont(face);
        return font.ContainsGlyphs(text);
    }

    static SKTypeface? Load(string file) => Loaded.GetOrAdd(file, f => File.Exists(f) ? SKTypeface.FromFile(f) : null);

    /// <summary>The font files found under the font directories, preferred ones (DejaVu Sans, …) first.</summary>
    internal static IReadOnlyList<string> Files => FontFiles.Value;

    static IReadOnlyList<string> FindFontFiles()
    {
        var files = new List<string>();
        foreach (string dir in FontDirectories)
        {
            if (!Directory.Exists(dir)) continue;
            try
            {
                files.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".ttf", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".otf", StringComparison.OrdinalIgnoreCase)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable directory contributes nothing.
            }
        }
        return files
            .OrderBy(f => Array.IndexOf(Preferred, Path.GetFileName(f)) is var i && i >= 0 ? i : Preferred.Length)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToList();
    }
}
