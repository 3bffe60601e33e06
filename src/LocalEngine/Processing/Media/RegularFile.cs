using System.Runtime.InteropServices;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Media paths must name regular files: opening a FIFO blocks until a writer comes (no cancellation reaches a blocked
/// open), devices never end, sockets and directories fail oddly. The check follows symbolic links.
/// </summary>
internal static partial class RegularFile
{
    /// <summary>Throws a typed error unless <paramref name="path"/> is a regular file (after following links).</summary>
    public static void Require(string path, string? mediaType)
    {
        if (Kind(path) is { } kind)
            throw new InvalidMediaException($"'{path}' is {kind}, not a regular file: reference an image or video file.", mediaType: mediaType);
    }

    /// <summary>Null for a regular (or missing) file, else what the path is.</summary>
    static string? Kind(string path)
    {
        if (Directory.Exists(path)) return "a directory";
        if (OperatingSystem.IsLinux() && StatxMode(path) is int mode)
            return (mode & 0xF000) switch
            {
                0x8000 => null,
                0x1000 => "a FIFO (named pipe)",
                0x2000 => "a character device",
                0x6000 => "a block device",
                0xC000 => "a socket",
                0x4000 => "a directory",
                _ => "a special file",
            };
        // Elsewhere: every special file reports size 0, and an empty file is no media either.
        return File.Exists(path) && new FileInfo(path).Length == 0 ? "empty or a special file (FIFO, device or socket)" : null;
    }

    /// <summary>st_mode via statx (one layout on every Linux architecture), or null when it is not available.</summary>
    static int? StatxMode(string path)
    {
        const int AtFdCwd = -100, StatxType = 0x1, ModeOffset = 28;
        var buffer = new byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0) return null;
        }
        catch (EntryPointNotFoundException) { return null; }
        catch (DllNotFoundException) { return null; }
        return BitConverter.ToUInt16(buffer, ModeOffset);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);
}
