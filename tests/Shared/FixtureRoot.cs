namespace Glm4vSK.LocalEngine.Testing;

/// <summary>The fixture root: $GLM4V_FIXTURES, else the repository's own tests/fixtures.</summary>
public static class FixtureRoot
{
    public static string Path
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("GLM4V_FIXTURES");
            if (!string.IsNullOrWhiteSpace(env)) return System.IO.Path.GetFullPath(env);
            return System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot, "tests", "fixtures"));
        }
    }

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Glm4vSK.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException($"Glm4vSK.sln not found above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Fails (never passes empty) when the root is missing.</summary>
    public static string Require()
    {
        string p = Path;
        if (!Directory.Exists(p))
            throw new DirectoryNotFoundException($"Fixture root '{p}' does not exist (set GLM4V_FIXTURES to a fixture set, or restore tests/fixtures).");
        return p;
    }
}
