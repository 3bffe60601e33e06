using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Cli.Hosting;

/// <summary>Images and videos from the command line as MEAI contents, and the folders the engine may read them from.</summary>
internal static class MediaFiles
{
    public static UriContent Content(string path, string kind) =>
        new(new Uri(Path.GetFullPath(path)), MediaType(path, kind));

    /// <summary>The engine reads local files only under allowed roots: the folders of the files given.</summary>
    public static ProcessorOptions Access(IEnumerable<string> files) => new()
    {
        MediaAccess = new MediaAccessPolicy
        {
            AllowedFileRoots = files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct(StringComparer.Ordinal).ToList(),
        },
    };

    static string MediaType(string path, string kind) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        ".bmp" => "image/bmp",
        ".mp4" => "video/mp4",
        ".webm" => "video/webm",
        ".mkv" => "video/x-matroska",
        ".mov" => "video/quicktime",
        _ => kind + "/*",
    };
}
