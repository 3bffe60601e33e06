using Glm4vSK.Connector;
using Microsoft.Extensions.AI;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a local GLM-4V <see cref="IChatClient"/>:
/// <code>
/// builder.Services.AddGlm4vChatClient(builder.Configuration.GetSection("Glm4v"))
///     .UseFunctionInvocation()
///     .UseOpenTelemetry();
/// </code>
/// The settings are bound and validated when registering (an invalid or missing setting throws at once, naming its
/// configuration key). The engine is a singleton per registration, loaded on first use (the first request) and
/// disposed with the service provider. The client is a singleton <see cref="IChatClient"/> (keyed for the
/// <c>AddKeyed…</c> overloads); the returned <see cref="ChatClientBuilder"/> adds middleware around it.
/// </summary>
public static class Glm4vServiceCollectionExtensions
{
    /// <summary>Registers a GLM-4V chat client configured from <paramref name="configuration"/> (usually the <c>"Glm4v"</c> section).</summary>
    /// <param name="configureSettings">Applied after binding, to override or complete the configuration.</param>
    public static ChatClientBuilder AddGlm4vChatClient(this IServiceCollection services, IConfiguration configuration,
        Action<Glm4vClientSettings>? configureSettings = null) =>
        Register(services, serviceKey: null, SettingsBinding.Bind(configuration, configureSettings), SettingsBinding.KeyPrefix(configuration));

    /// <summary>Registers a GLM-4V chat client configured in code.</summary>
    public static ChatClientBuilder AddGlm4vChatClient(this IServiceCollection services, Action<Glm4vClientSettings> configureSettings) =>
        Register(services, serviceKey: null, SettingsBinding.Configure(configureSettings), SettingsPrefix);

    /// <summary>Registers a GLM-4V chat client under <paramref name="serviceKey"/>, configured from <paramref name="configuration"/>.</summary>
    public static ChatClientBuilder AddKeyedGlm4vChatClient(this IServiceCollection services, object serviceKey, IConfiguration configuration,
        Action<Glm4vClientSettings>? configureSettings = null) =>
        Register(services, serviceKey ?? throw new ArgumentNullException(nameof(serviceKey)), SettingsBinding.Bind(configuration, configureSettings), SettingsBinding.KeyPrefix(configuration));

    /// <summary>Registers a GLM-4V chat client under <paramref name="serviceKey"/>, configured in code.</summary>
    public static ChatClientBuilder AddKeyedGlm4vChatClient(this IServiceCollection services, object serviceKey, Action<Glm4vClientSettings> configureSettings) =>
        Register(services, serviceKey ?? throw new ArgumentNullException(nameof(serviceKey)), SettingsBinding.Configure(configureSettings), SettingsPrefix);

    /// <summary>How errors name the settings of a registration configured in code (<c>Glm4vClientSettings.ModelPath</c>).</summary>
    internal const string SettingsPrefix = nameof(Glm4vClientSettings) + ".";

    static ChatClientBuilder Register(IServiceCollection services, object? serviceKey, Glm4vClientSettings settings, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (engineKey, clientOptions) = AddEngine(services, settings, keyPrefix);
        IChatClient Create(IServiceProvider sp) => CreateClient(sp, engineKey, clientOptions);
        return serviceKey is null ? services.AddChatClient(Create) : services.AddKeyedChatClient(serviceKey, Create);
    }

    /// <summary>
    /// Validates <paramref name="settings"/> and registers their engine holder under a key of its own (so several
    /// registrations never share or replace each other's engine); returns that key and the client options.
    /// </summary>
    internal static (object EngineKey, Glm4vChatClientOptions ClientOptions) AddEngine(IServiceCollection services, Glm4vClientSettings settings, string keyPrefix)
    {
        settings.Validate(keyPrefix);
        string modelPath = settings.ModelPath!.Trim();
        var engineOptions = settings.ToEngineOptions();
        var clientOptions = settings.ToClientOptions();
        var engineKey = new EngineKey(modelPath);
        // The engine logs and meters through the container's logging and metrics, when it has them.
        services.AddKeyedSingleton(engineKey, (sp, _) => new Glm4vEngineHolder(modelPath, engineOptions with
        {
            LoggerFactory = sp.GetService<ILoggerFactory>(),
            MeterFactory = sp.GetService<IMeterFactory>(),
        }));
        return (engineKey, clientOptions);
    }

    internal static Glm4vChatClient CreateClient(IServiceProvider services, object engineKey, Glm4vChatClientOptions options) =>
        new(new LazyEngineBackend(services.GetRequiredKeyedService<Glm4vEngineHolder>(engineKey)), options);

    /// <summary>A registration's private key (compared by reference); prints the model path in diagnostics.</summary>
    sealed class EngineKey(string modelPath)
    {
        public override string ToString() => $"Glm4vEngine({modelPath})";
    }
}
