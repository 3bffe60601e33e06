namespace Glm4vSK.LocalEngine.Hub;

/// <summary>
/// Where and how to download from a Hugging Face hub. Every null field is taken from the environment the way Python's
/// <c>huggingface_hub</c> does, so both tools share one cache, one token and one endpoint.
/// </summary>
public sealed record HubOptions
{
    /// <summary>Hub address; null: <c>HF_ENDPOINT</c>, else https://huggingface.co.</summary>
    public string? Endpoint { get; init; }
    /// <summary>
    /// Access token for gated or private repositories; null: <c>HF_TOKEN</c>, else the token file (<c>HF_TOKEN_PATH</c>,
    /// else <c>$HF_HOME/token</c>); empty: send no token whatever the environment has.
    /// </summary>
    public string? Token { get; init; }
    /// <summary>Hub cache; null: <c>HF_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>.</summary>
    public string? CacheDirectory { get; init; }
    /// <summary>Use the cache only; null: <c>HF_HUB_OFFLINE</c> (1, true, yes or on).</summary>
    public bool? Offline { get; init; }
    /// <summary>Files transferred at the same time (at least 1).</summary>
    public int MaxParallelDownloads { get; init; } = 4;
    /// <summary>How often a cut or failed transfer is resumed before the download fails (0: never).</summary>
    public int MaxRetries { get; init; } = 3;
    /// <summary>HTTP handler for tests or custom proxies. It must not follow redirects itself (the LFS headers are on the redirect).</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>Every environment-backed field filled in from the environment now.</summary>
    public static HubOptions FromEnvironment() => new()
    {
        Endpoint = HubEnvironment.Endpoint(),
        Token = HubEnvironment.Token(),
        CacheDirectory = HubEnvironment.CacheDirectory(),
        Offline = HubEnvironment.Offline(),
    };

    /// <summary>Every invalid field, described with its fix.</summary>
    public IReadOnlyList<OptionProblem> FindProblems()
    {
        var problems = new List<OptionProblem>();
        if (MaxParallelDownloads < 1)
            problems.Add(new(nameof(MaxParallelDownloads), $"is {MaxParallelDownloads}: at least 1 file must be transferred at a time."));
        if (MaxRetries < 0)
            problems.Add(new(nameof(MaxRetries), $"is {MaxRetries}: use 0 (no retry) or more."));
        if (Endpoint is not null && !IsHttpUrl(Endpoint))
            problems.Add(new(nameof(Endpoint), $"is '{Endpoint}': use an http(s) URL such as https://huggingface.co, or null for HF_ENDPOINT."));
        return problems;
    }

    internal static bool IsHttpUrl(string s) =>
        Uri.TryCreate(s, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps);

    /// <summary>The options with every null field taken from the environment; invalid values throw.</summary>
    internal HubOptions Resolve()
    {
        var problems = FindProblems();
        if (problems.Count > 0)
            throw new ArgumentException("Invalid hub options: " + string.Join(" ", problems.Select(p => p.Describe($"{nameof(HubOptions)}.{p.Field}"))), problems[0].Field);
        string endpoint = Endpoint ?? HubEnvironment.Endpoint();
        if (!IsHttpUrl(endpoint))
            throw new ArgumentException($"HF_ENDPOINT is '{endpoint}': use an http(s) URL such as https://huggingface.co.", nameof(Endpoint));
        return this with
        {
            Endpoint = endpoint.TrimEnd('/'),
            Token = Token is null ? HubEnvironment.Token() : Token.Trim() is { Length: > 0 } t ? t : null,
            CacheDirectory = Path.GetFullPath(CacheDirectory ?? HubEnvironment.CacheDirectory()),
            Offline = Offline ?? HubEnvironment.Offline(),
        };
    }
}
