using Glm4vSK.Connector;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a remote GLM-4V <see cref="IChatClient"/> (<see cref="Glm4vRemoteChatClient"/>: vLLM, SGLang or the Z.ai
/// API) whose requests go through <see cref="IHttpClientFactory"/>:
/// <code>
/// builder.Services.AddGlm4vRemoteChatClient(builder.Configuration.GetSection("Glm4vRemote"),
///         http: http => http.AddStandardResilienceHandler(o =>
///         {
///             // the defaults (10 s an attempt, 30 s in all) would cut a long generation off
///             o.AttemptTimeout.Timeout = TimeSpan.FromMinutes(10);
///             o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(20); // at least twice the attempt timeout
///             o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(30);
///         }))
///     .UseFunctionInvocation();
/// </code>
/// The settings are bound and validated when registering (an invalid or missing setting throws at once, naming its
/// configuration key). Requests go through the factory's handler chain of the named client
/// <see cref="Glm4vRemoteClientSettings.HttpClientName"/> (registered here with <c>AddHttpClient(name)</c>; the
/// <c>http</c> callback, or a later <c>services.AddHttpClient(name)</c>, adds handlers to it), taken from the factory
/// for each request so the singleton client still follows the factory's handler rotation. Settings of the
/// <see cref="HttpClient"/> object itself (<c>ConfigureHttpClient</c>: <c>Timeout</c>, <c>DefaultRequestHeaders</c>)
/// do not apply: the client's own <see cref="Glm4vRemoteClientSettings.Timeout"/> and
/// <see cref="Glm4vRemoteClientSettings.StreamIdleTimeout"/> bound each request (no 100 s HttpClient default cuts a long
/// non-streaming answer off); add headers with a handler. The client is a singleton <see cref="IChatClient"/> (keyed
/// for the <c>AddKeyed…</c> overloads); the returned <see cref="ChatClientBuilder"/> adds middleware around it.
/// </summary>
public static class Glm4vRemoteServiceCollectionExtensions
{
    /// <summary>Registers a remote GLM-4V chat client configured from <paramref name="configuration"/> (usually the <c>"Glm4vRemote"</c> section).</summary>
    /// <param name="configureSettings">Applied after binding, to override or complete the configuration.</param>
    /// <param name="http">Configures the factory's named client (handlers, resilience).</param>
    public static ChatClientBuilder AddGlm4vRemoteChatClient(this IServiceCollection services, IConfiguration configuration,
        Action<Glm4vRemoteClientSettings>? configureSettings = null, Action<IHttpClientBuilder>? http = null) =>
        Register(services, serviceKey: null, SettingsBinding.Bind(configuration, configureSettings),
            SettingsBinding.KeyPrefix(configuration), http);

    /// <summary>Registers a remote GLM-4V chat client configured in code.</summary>
    /// <param name="http">Configures the factory's named client (handlers, resilience).</param>
    public static ChatClientBuilder AddGlm4vRemoteChatClient(this IServiceCollection services, Action<Glm4vRemoteClientSettings> configureSettings,
        Action<IHttpClientBuilder>? http = null) =>
        Register(services, serviceKey: null, SettingsBinding.Configure(configureSettings), SettingsPrefix, http);

    /// <summary>Registers a remote GLM-4V chat client under <paramref name="serviceKey"/>, configured from <paramref name="configuration"/>.</summary>
    public static ChatClientBuilder AddKeyedGlm4vRemoteChatClient(this IServiceCollection services, object serviceKey, IConfiguration configuration,
        Action<Glm4vRemoteClientSettings>? configureSettings = null, Action<IHttpClientBuilder>? http = null) =>
        Register(services, serviceKey ?? throw new ArgumentNullException(nameof(serviceKey)), SettingsBinding.Bind(configuration, configureSettings),
            SettingsBinding.KeyPrefix(configuration), http);

    /// <summary>Registers a remote GLM-4V chat client under <paramref name="serviceKey"/>, configured in code.</summary>
    public static ChatClientBuilder AddKeyedGlm4vRemoteChatClient(this IServiceCollection services, object serviceKey,
        Action<Glm4vRemoteClientSettings> configureSettings, Action<IHttpClientBuilder>? http = null) =>
        Register(services, serviceKey ?? throw new ArgumentNullException(nameof(serviceKey)), SettingsBinding.Configure(configureSettings), SettingsPrefix, http);

    /// <summary>How errors name the settings of a registration configured in code (<c>Glm4vRemoteClientSettings.Endpoint</c>).</summary>
    const string SettingsPrefix = nameof(Glm4vRemoteClientSettings) + ".";

    static ChatClientBuilder Register(IServiceCollection services, object? serviceKey, Glm4vRemoteClientSettings settings, string keyPrefix,
        Action<IHttpClientBuilder>? http)
    {
        ArgumentNullException.ThrowIfNull(services);
        settings.Validate(keyPrefix);
        // Everything is read now: later changes to the settings object do not reach the registration.
        var endpoint = settings.EndpointUri!;
        string model = settings.Model!.Trim(), name = HttpClientName(settings, serviceKey);
        string? apiKey = settings.ApiKey;
        var options = settings.ToOptions(http: null!);

        var httpBuilder = services.AddHttpClient(name);
        http?.Invoke(httpBuilder);

        IChatClient Create(IServiceProvider sp)
        {
            var viaFactory = new HttpClient(new HttpClientFactoryHandler(sp.GetRequiredService<IHttpMessageHandlerFactory>(), name)) { Timeout = Timeout.InfiniteTimeSpan };
            return new Glm4vRemoteChatClient(endpoint, apiKey, model, options with { HttpClient = viaFactory });
        }
        return serviceKey is null ? services.AddChatClient(Create) : services.AddKeyedChatClient(serviceKey, Create);
    }

    static string HttpClientName(Glm4vRemoteClientSettings settings, object? serviceKey) =>
        settings.HttpClientName?.Trim() is { Length: > 0 } name ? name
        : serviceKey is null ? Glm4vRemoteClientSettings.DefaultHttpClientName
        : $"{Glm4vRemoteClientSettings.DefaultHttpClientName}:{serviceKey}";
}
