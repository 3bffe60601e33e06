using System.Runtime.CompilerServices;

namespace Glm4vSK.LocalEngine.Native;

/// <summary>
/// Makes TorchSharp's native library loadable before anything in this assembly touches it. Runs automatically as a
/// module initializer; applications that call TorchSharp directly before using this library also get the fix from the
/// post-build step in <c>buildTransitive/Glm4vSK.LocalEngine.targets</c>, or can call <see cref="EnsureLoadable"/>.
/// </summary>
public static class TorchSharpNative
{
    static int _done;

#pragma warning disable CA2255 // deliberate: the fix must run before any TorchSharp call made through this library
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => EnsureLoadable();

    /// <summary>Patches the copies of <c>libLibTorchSharp.so</c> next to the application (idempotent, cheap after the first call).</summary>
    public static void EnsureLoadable()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _done, 1) == 1) return;
        foreach (var path in CandidatePaths())
        {
            try { GlibcxxVersionPatcher.Patch(path); }
            catch (IOException) { /* read-only install: the build-time patch is the fallback */ }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Where .NET's native probing finds libLibTorchSharp.so for a RID-less and a RID-specific build.</summary>
    public static IEnumerable<string> CandidatePaths()
    {
        string baseDir = AppContext.BaseDirectory;
        yield return Path.Combine(baseDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        yield return Path.Combine(baseDir, "libLibTorchSharp.so");
    }
}
