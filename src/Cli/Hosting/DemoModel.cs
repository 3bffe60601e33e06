using Glm4vSK.LocalEngine.Testing;

namespace Glm4vSK.Cli.Hosting;

/// <summary>
/// For <c>--demo-tokenizer</c>: a temporary model directory with the checkpoint's files linked and the small test
/// tokenizer added, so the tiny random reference checkpoints (which ship no tokenizer) run end to end.
/// </summary>
internal static class DemoModel
{
    public static string WithTokenizer(string modelDir)
    {
        string source = Path.GetFullPath(modelDir);
        // One folder per process and model: two models in one process must not share links.
        string dir = Path.Combine(Path.GetTempPath(), $"glm4v-demo-{Environment.ProcessId}-{(uint)StringComparer.Ordinal.GetHashCode(source):x8}");
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(source))
        {
            string target = Path.Combine(dir, Path.GetFileName(f));
            if (!File.Exists(target)) File.CreateSymbolicLink(target, f);
        }
        // Reference cases live beside the weights; --case finds them through the link.
        string cases = Path.Combine(source, "cases");
        if (Directory.Exists(cases) && !Directory.Exists(Path.Combine(dir, "cases"))) Directory.CreateSymbolicLink(Path.Combine(dir, "cases"), cases);
        TinyTokenizer.Write(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, true); }
            catch (IOException) { }
        };
        return dir;
    }
}
