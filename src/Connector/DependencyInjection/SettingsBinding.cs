using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>How the DI registrations (remote here, local in Glm4vSK.Connector.Local) bind their settings and name them in errors.</summary>
internal static class SettingsBinding
{
    /// <summary>Settings bound from <paramref name="configuration"/>, then completed by <paramref name="configure"/>.</summary>
    internal static TSettings Bind<TSettings>(IConfiguration configuration, Action<TSettings>? configure) where TSettings : new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new TSettings();
        configuration.Bind(settings);
        configure?.Invoke(settings);
        return settings;
    }

    /// <summary>Settings configured in code.</summary>
    internal static TSettings Configure<TSettings>(Action<TSettings> configure) where TSettings : new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        var settings = new TSettings();
        configure(settings);
        return settings;
    }

    /// <summary>How errors name the settings bound from <paramref name="configuration"/> (<c>Glm4v:ModelPath</c>).</summary>
    internal static string KeyPrefix(IConfiguration configuration) =>
        configuration is IConfigurationSection { Path.Length: > 0 } section ? section.Path + ConfigurationPath.KeyDelimiter : "";
}
