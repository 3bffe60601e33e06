namespace Glm4vSK.LocalEngine.Tests.Support;

/// <summary>A fresh directory under the system temp folder, deleted (recursively) on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "glm4vsk-test")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    public string Path { get; }

    /// <summary>A path inside the directory (created as a directory when <paramref name="create"/>).</summary>
    public string Sub(string relative, bool create = false)
    {
        string p = System.IO.Path.Combine(Path, relative);
        if (create) Directory.CreateDirectory(p);
        return p;
    }

    /// <summary>
    /// Copies a fixture model directory's top-level files (config, weights, index; not the cases) into
    /// <paramref name="name"/> under this directory and makes the copies writable.
    /// </summary>
    public string CopyModel(string sourceDir, string name = "model")
    {
        string dst = Sub(name, create: true);
        foreach (var f in Directory.GetFiles(sourceDir))
        {
            string to = System.IO.Path.Combine(dst, System.IO.Path.GetFileName(f));
            File.Copy(f, to);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        return dst;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort: a still-mapped file on some systems */ }
        catch (UnauthorizedAccessException) { }
    }
}
