using Glm4vSK.LocalEngine.Native;
using Glm4vSK.LocalEngine.Tests.Support;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// The GLIBCXX_3.4.32 fix for TorchSharp 0.107's libLibTorchSharp.so: the patcher marks the
/// version need weak and changes nothing else, is idempotent, and the copy this test run loaded is already fixed.
/// </summary>
public sealed class NativeLoadTests
{
    const string Library = "libLibTorchSharp.so";

    /// <summary>The untouched package copy, or a skip when the package is not in the NuGet cache.</summary>
    static string OriginalPackageLibrary()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the native fix is Linux-only");
        string? root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrWhiteSpace(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", Library);
        Assert.SkipUnless(File.Exists(path), $"TorchSharp 0.107.0 package library not found at '{path}'");
        return path;
    }

    [Fact]
    public void Patch_weakens_the_GLIBCXX_3_4_32_need_and_changes_only_flag_bytes()
    {
        string original = OriginalPackageLibrary();
        using var tmp = new TempDir();
        string copy = tmp.Sub(Library);
        File.Copy(original, copy);
        byte[] before = File.ReadAllBytes(copy);

        var needs = GlibcxxVersionPatcher.ReadNewGlibcxxNeeds(copy);
        Assert.Contains(("GLIBCXX_3.4.32", false), needs);
        Assert.All(needs, n => Assert.True(int.Parse(n.Name["GLIBCXX_3.4.".Length..]) > GlibcxxVersionPatcher.HighestCommonGlibcxx, n.Name));
        int nonWeak = needs.Count(n => !n.Weak);

        int patched = GlibcxxVersionPatcher.Patch(copy);
        Assert.True(patched >= 1, $"Patch returned {patched}");
        Assert.Equal(nonWeak, patched);

        var after = GlibcxxVersionPatcher.ReadNewGlibcxxNeeds(copy);
        Assert.Equal(needs.Select(n => n.Name), after.Select(n => n.Name));
        Assert.All(after, n => Assert.True(n.Weak, $"{n.Name} is still a hard requirement after Patch"));

        byte[] patchedBytes = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, patchedBytes.Length);
        var diffs = Enumerable.Range(0, before.Length).Where(i => before[i] != patchedBytes[i]).ToList();
        // vna_flags is a little-endian ushort and VER_FLG_WEAK = 0x2: exactly one low byte per patched need gains bit 1.
        Assert.Equal(patched, diffs.Count);
        Assert.All(diffs, i => Assert.Equal(before[i] | 0x2, patchedBytes[i]));

        Assert.Equal(0, GlibcxxVersionPatcher.Patch(copy));
        Assert.Equal(patchedBytes, File.ReadAllBytes(copy));
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp")); // the atomic-replace sibling is gone
    }

    [Fact]
    public void Loaded_output_copy_has_no_hard_GLIBCXX_need_above_3_4_30()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the native fix is Linux-only");
        var copies = TorchSharpNative.CandidatePaths().Where(File.Exists).ToList();
        Assert.True(copies.Count > 0,
            $"no {Library} next to the test assembly (looked at: {string.Join(", ", TorchSharpNative.CandidatePaths())})");
        foreach (var path in copies)
        {
            var hard = GlibcxxVersionPatcher.ReadNewGlibcxxNeeds(path).Where(n => !n.Weak).Select(n => n.Name).ToList();
            Assert.True(hard.Count == 0, $"{path} still hard-requires {string.Join(", ", hard)}: the build-time / module-initializer fix did not run.");
        }
        // And TorchSharp really is usable in this process.
        using var t = TorchSharp.torch.ones(2, 2).matmul(TorchSharp.torch.ones(2, 2));
        Assert.Equal(2f, t[0, 0].item<float>());
    }

    [Fact]
    public void Patch_leaves_non_elf_and_missing_files_alone()
    {
        using var tmp = new TempDir();
        string text = tmp.Sub("not-elf.so");
        File.WriteAllText(text, "GLIBCXX_3.4.32 is only text here");
        byte[] before = File.ReadAllBytes(text);
        Assert.Equal(0, GlibcxxVersionPatcher.Patch(text));
        Assert.Empty(GlibcxxVersionPatcher.ReadNewGlibcxxNeeds(text));
        Assert.Equal(before, File.ReadAllBytes(text));
        Assert.Equal(0, GlibcxxVersionPatcher.Patch(tmp.Sub("absent.so")));
    }

    [Fact]
    public void EnsureLoadable_is_idempotent()
    {
        TorchSharpNative.EnsureLoadable();
        TorchSharpNative.EnsureLoadable();
        Assert.Contains(TorchSharpNative.CandidatePaths(), p => p.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal));
    }
}
