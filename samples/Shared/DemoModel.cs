// Shared by the samples: lets the tiny random reference checkpoints (which ship no tokenizer) run end to end.
/// <summary>A temporary model directory: the checkpoint's files linked, plus the small test tokenizer.</summary>
internal static class DemoModel
{
    public static string WithTokenizer(string modelDir)
    {
        string dir = Path.Combine(Path.GetTempPath(), "glm4v-demo-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(modelDir))
        {
            string target = Path.Combine(dir, Path.GetFileName(f));
            if (!File.Exists(target)) File.CreateSymbolicLink(target, Path.GetFullPath(f));
        }
        Glm4vSK.LocalEngine.Testing.TinyTokenizer.Write(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        return dir;
    }
}

