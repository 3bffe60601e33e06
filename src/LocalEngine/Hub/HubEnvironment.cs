namespace Glm4vSK.LocalEngine.Hub;

/// <summary>The environment variables of Python's <c>huggingface_hub</c> (constants.py), read the same way.</summary>
internal static class HubEnvironment
{
    public const string DefaultEndpoint = "https://huggingface.co";

    static string? Var(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    public static string Endpoint() => Var("HF_ENDPOINT")?.TrimEnd('/') ?? DefaultEndpoint;

    /// <summary><c>HF_HOME</c>, else <c>$XDG_CACHE_HOME/huggingface</c>, else <c>~/.cache/huggingface</c>.</summary>
    public static string Home() =>
        Var("HF_HOME") ?? Path.Combine(Var("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "huggingface");

    /// <summary><c>HF_HUB_CACHE</c> (or its old name <c>HUGGINGFACE_HUB_CACHE</c>), else <c>{HF_HOME}/hub</c>.</summary>
    public static string CacheDirectory() => Var("HF_HUB_CACHE") ?? Var("HUGGINGFACE_HUB_CACHE") ?? Path.Combine(Home(), "hub");

    public static bool Offline() => IsTrue(Var("HF_HUB_OFFLINE"));

    /// <summary><c>HF_TOKEN</c> (or the old <c>HUGGING_FACE_HUB_TOKEN</c>), else the token file that <c>hf auth login</c> writes.</summary>
    public static string? Token()
    {
        string? env = Var("HF_TOKEN") ?? Var("HUGGING_FACE_HUB_TOKEN");
        if (!string.IsNullOrWhiteSpace(env)) return env.Trim();
        string file = Var("HF_TOKEN_PATH") ?? Path.Combine(Home(), "token");
        try
        {
            return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } t ? t : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // an unreadable token file is no token, as in huggingface_hub
        }
    }

    static bool IsTrue(string? value) => value?.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";
}
