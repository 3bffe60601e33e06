// This file is compiled twice: into Glm4vSK.LocalEngine (where GLM4VSK_LIBRARY is defined) as the runtime fix-up, and
// by MSBuild's RoslynCodeTaskFactory (buildTransitive/Glm4vSK.LocalEngine.targets) as a post-build task. Keep it free
// of dependencies beyond the base class library.
using System;
using System.IO;
using System.Text;

namespace Glm4vSK.LocalEngine.Native
{
    /// <summary>
    /// Makes TorchSharp 0.107's <c>libLibTorchSharp.so</c> loadable on systems whose libstdc++ stops before
    /// GLIBCXX_3.4.32 (Debian 12, Ubuntu 22.04). The library needs that version only for one symbol
    /// (<c>std::ios_base_library_init</c>) that nothing relocates against, so the version requirement is marked
    /// weak (<c>VER_FLG_WEAK</c>) and glibc stops treating its absence as fatal. Nothing else in the file changes.
    /// </summary>
    public static class GlibcxxVersionPatcher
    {
        const ushort VerFlgWeak = 0x2;
        const uint ShtGnuVerneed = 0x6ffffffe;
        /// <summary>Highest GLIBCXX minor that Debian 12's libstdc++ provides; newer requirements are weakened.</summary>
        public const int HighestCommonGlibcxx = 30;

        /// <summary>Lists the GLIBCXX_3.4.N (N &gt; 30) version needs of an ELF file and whether each is weak.</summary>
        public static (string Name, bool Weak)[] ReadNewGlibcxxNeeds(string path)
        {
            var found = new System.Collections.Generic.List<(string, bool)>();
            Walk(File.ReadAllBytes(path), (name, flagsOffset, data) =>
            {
                ushort flags = BitConverter.ToUInt16(data, flagsOffset);
                found.Add((name, (flags & VerFlgWeak) != 0));
            });
            return found.ToArray();
        }

        /// <summary>
        /// Patches <paramref name="path"/> in place (atomically: a temporary file is renamed over it) and returns the
        /// number of version needs that were weakened; 0 when the file is absent, not ELF64, or already patched.
        /// </summary>
        public static int Patch(string path)
        {
            if (!File.Exists(path)) return 0;
            byte[] data = File.ReadAllBytes(path);
            int patched = 0;
            Walk(data, (name, flagsOffset, d) =>
            {
                ushort flags = BitConverter.ToUInt16(d, flagsOffset);
                if ((flags & VerFlgWeak) != 0) return;
                flags |= VerFlgWeak;
                d[flagsOffset] = (byte)(flags & 0xff);
                d[flagsOffset + 1] = (byte)(flags >> 8);
                patched++;
            });
            if (patched == 0) return 0;
            // Write a sibling and rename it over the original: a process that already mapped the old file keeps its
            // inode, and a crash mid-write never leaves a half-written library behind.
            string tmp = path + ".glm4vsk-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.WriteAllBytes(tmp, data);
                File.Replace(tmp, path, destinationBackupFileName: null);
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
            return patched;
        }

        static void Walk(byte[] d, Action<string, int, byte[]> onNewGlibcxx)
        {
            if (d.Length < 64 || d[0] != 0x7f || d[1] != (byte)'E' || d[2] != (byte)'L' || d[3] != (byte)'F' || d[4] != 2 || d[5] != 1)
                return; // ELF64 little-endian only
            long shoff = BitConverter.ToInt64(d, 0x28);
            int shentsize = BitConverter.ToUInt16(d, 0x3A), shnum = BitConverter.ToUInt16(d, 0x3C);
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (sh + 64 > d.Length || BitConverter.ToUInt32(d, (int)sh + 4) != ShtGnuVerneed) continue;
                long off = BitConverter.ToInt64(d, (int)sh + 24);
                uint link = BitConverter.ToUInt32(d, (int)sh + 40), count = BitConverter.ToUInt32(d, (int)sh + 44);
                long strOff = BitConverter.ToInt64(d, (int)(shoff + link * shentsize) + 24);
                long vn = off;
                for (uint n = 0; n < count; n++)
                {
                    int cnt = BitConverter.ToUInt16(d, (int)vn + 2);
                    long a = vn + BitConverter.ToUInt32(d, (int)vn + 8);
                    for (int k = 0; k < cnt; k++)
                    {
                        long nameOff = strOff + BitConverter.ToUInt32(d, (int)a + 8);
                        int end = Array.IndexOf(d, (byte)0, (int)nameOff);
                        string name = Encoding.ASCII.GetString(d, (int)nameOff, end - (int)nameOff);
                        if (name.StartsWith("GLIBCXX_3.4.", StringComparison.Ordinal)
                            && int.TryParse(name.Substring(12), out int minor) && minor > HighestCommonGlibcxx)
                            onNewGlibcxx(name, (int)a + 4, d);
                        uint next = BitConverter.ToUInt32(d, (int)a + 12);
                        if (next == 0) break;
                        a += next;
                    }
                    uint vnext = BitConverter.ToUInt32(d, (int)vn + 12);
                    if (vnext == 0) break;
                    vn += vnext;
                }
            }
        }
    }

#if !GLM4VSK_LIBRARY
    /// <summary>MSBuild task: weakens the GLIBCXX_3.4.32 need of every libLibTorchSharp.so given.</summary>
    public class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        public override bool Execute()
        {
            foreach (var f in Files)
            {
                int n = GlibcxxVersionPatcher.Patch(f.ItemSpec);
                if (n > 0) Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "Glm4vSK: weakened {0} GLIBCXX need(s) in {1}", n, f.ItemSpec);
            }
            return true;
        }
    }
#endif
}
