namespace Glm4vSK.Connector;

/// <summary>
/// Settings of a remote GLM-4V chat client (<see cref="Glm4vRemoteChatClient"/>) registered through dependency
/// injection, usually bound from a <c>"Glm4vRemote"</c> configuration section:
/// <code>
/// "Glm4vRemote": { "Endpoint": "http://gpu-box:8000/v1", "Model": "zai-org/GLM-4.6V", "ApiKey": "…",
///                  "Timeout": "00:10:00", "StreamIdleTimeout": "00:05:00", "EnableThinking": false }
/// </code>
/// Requests go through an <see cref="HttpClient"/> from <c>IHttpClientFactory</c>, named <see cref="HttpClientName"/>.
/// </summary>
public sealed class Glm4vRemoteClientSettings
{
    /// <summary>The configuration section these settings are conventionally bound from.</summary>
    public const string DefaultConfigSectionName = "Glm4vRemote";

    /// <summary>The name of the factory's <see cref="HttpClient"/> of an unkeyed registration that sets no <see cref="HttpClientName"/>.</summary>
    public const string DefaultHttpClientName = "Glm4vSK.Remote";

    /// <summary>The API base (<c>http://host:8000/v1</c>) or the full <c>…/chat/completions</c> URL. Required.</summary>
    public string? Endpoint { get; set; }
    /// <summary>The served model name (<c>zai-org/GLM-4.6V</c>, or vLLM's <c>--served-model-name</c>). Required.</summary>
    public string? Model { get; set; }
    /// <summary>Bearer token; null or empty sends none.</summary>
    public string? ApiKey { get; set; }
    /// <summary>The request dialect: <c>OpenAICompatible</c> (vLLM/SGLang, default) or <c>ZaiApi</c>.</summary>
    public Glm4vServerDialect Dialect { get; set; } = Glm4vServerDialect.OpenAICompatible;
    /// <summary>
    /// The factory client's name (default <see cref="DefaultHttpClientName"/>, or <c>Glm4vSK.Remote:{serviceKey}</c> for a
    /// keyed registration); handlers added to that name (<c>services.AddHttpClient(name)…</c>) apply to its requests.
    /// </summary>
    public string? HttpClientName { get; set; }

    static readonly Glm4vRemoteOptions Defaults = new();

    /// <summary>See <see cref="Glm4vRemoteOptions.Timeout"/> (default 10 minutes).</summary>
    public TimeSpan Timeout { get; set; } = Defaults.Timeout;
    /// <summary>See <see cref="Glm4vRemoteOptions.StreamIdleTimeout"/> (default 5 minutes).</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = Defaults.StreamIdleTimeout;
    /// <summary>See <see cref="Glm4vRemoteOptions.MaxResponseBytes"/>.</summary>
    public long MaxResponseBytes { get; set; } = Defaults.MaxResponseBytes;
    /// <summary>See <see cref="Glm4vRemoteOptions.MaxEventBytes"/>.</summary>
    public int MaxEventBytes { get; set; } = Defaults.MaxEventBytes;
    /// <summary>See <see cref="Glm4vRemoteOptions.EnableThinking"/>.</summary>
    public bool? EnableThinking { get; set; }
    /// <summary>See <see cref="Glm4vRemoteOptions.IncludeReasoning"/> (default true).</summary>
    public bool IncludeReasoning { get; set; } = true;
    /// <summary>See <see cref="Glm4vRemoteOptions.MaxOutputTokens"/>.</summary>
    public int? MaxOutputTokens { get; set; }
    /// <summary>See <see cref="Glm4vRemoteOptions.ExtractAnswer"/>.</summary>
    public bool ExtractAnswer { get; set; }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> listing every invalid setting, each named by its configuration key
    /// (<paramref name="keyPrefix"/> + the property name, e.g. <c>Glm4vRemote:Endpoint</c>).
    /// </summary>
    internal void Validate(string keyPrefix)
    {
        var problems = new List<string>();
        string Key(string property) => keyPrefix + property;
        if (string.IsNullOrWhiteSpace(Endpoint))
            problems.Add($"'{Key(nameof(Endpoint))}' is not set: give the server's API base (for example --{Key(nameof(Endpoint))}=http://localhost:8000/v1).");
        else if (EndpointUri is null)
            problems.Add($"'{Key(nameof(Endpoint))}' is '{Endpoint}': it must be an absolute http or https URL (for example http://localhost:8000/v1).");
        if (string.IsNullOrWhiteSpace(Model))
            problems.Add($"'{Key(nameof(Model))}' is not set: give the served model name (for example --{Key(nameof(Model))}=zai-org/GLM-4.6V).");
        if (HttpClientName is { } name && string.IsNullOrWhiteSpace(name))
            problems.Add($"'{Key(nameof(HttpClientName))}' is empty: leave it unset for the default name, or give one.");
        if (!Enum.IsDefined(Dialect))
            problems.Add($"'{Key(nameof(Dialect))}' is {(int)Dialect}: use \"OpenAICompatible\" or \"ZaiApi\".");
        Timeouts(Timeout, nameof(Timeout));
        Timeouts(StreamIdleTimeout, nameof(StreamIdleTimeout));
        if (MaxResponseBytes <= 0) problems.Add($"'{Key(nameof(MaxResponseBytes))}' is {MaxResponseBytes}: it must be positive.");
        if (MaxEventBytes <= 0) problems.Add($"'{Key(nameof(MaxEventBytes))}' is {MaxEventBytes}: it must be positive.");
        if (MaxOutputTokens is <= 0) problems.Add($"'{Key(nameof(MaxOutputTokens))}' is {MaxOutputTokens}: it must be positive.");
        if (problems.Count > 0)
            throw new InvalidOperationException("Invalid remote GLM-4V client settings:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));

        void Timeouts(TimeSpan value, string property)
        {
            if (value != System.Threading.Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue))
                problems.Add($"'{Key(property)}' is {value}: it must be positive (for example \"00:10:00\") and at most {TimeSpan.FromMilliseconds(int.MaxValue)}, or \"-00:00:00.001\" for no limit.");
        }
    }

    internal Uri? EndpointUri =>
        Uri.TryCreate(Endpoint?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    internal Glm4vRemoteOptions ToOptions(HttpClient http) => new()
    {
        Dialect = Dialect,
        HttpClient = http,
        Timeout = Timeout,
        StreamIdleTimeout = StreamIdleTimeout,
        MaxResponseBytes = MaxResponseBytes,
        MaxEventBytes = MaxEventBytes,
        EnableThinking = EnableThinking,
        IncludeReasoning = IncludeReasoning,
        MaxOutputTokens = MaxOutputTokens,
        ExtractAnswer = ExtractAnswer,
    };
}
