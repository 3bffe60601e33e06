using Glm4vSK.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Adds a GLM-4V model loaded in-process to a Semantic Kernel:
/// <code>
/// var kernel = Kernel.CreateBuilder()
///     .AddGlm4vChatClient("/models/GLM-4.6V-Flash", s => s.Device = "cuda")
///     .Build();
/// </code>
/// Registers the same services as <see cref="Glm4vKernelBuilderExtensions.AddGlm4vChatClient(IKernelBuilder, Microsoft.Extensions.AI.IChatClient, string?)"/>
/// over a <see cref="Glm4vChatClient"/> whose engine is loaded on first use and disposed with the kernel's services.
/// </summary>
public static class Glm4vLocalKernelBuilderExtensions
{
    /// <summary>Adds a GLM-4V model (directory or cached hub id), loaded on first use and disposed with the kernel's services.</summary>
    public static IKernelBuilder AddGlm4vChatClient(this IKernelBuilder builder, string modelPath, Action<Glm4vClientSettings>? configureSettings = null,
        string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new Glm4vClientSettings { ModelPath = modelPath };
        configureSettings?.Invoke(settings);
        AddModel(builder.Services, settings, Glm4vServiceCollectionExtensions.SettingsPrefix, serviceId);
        return builder;
    }

    /// <summary>Adds a GLM-4V model configured from <paramref name="configuration"/> (usually the <c>"Glm4v"</c> section).</summary>
    public static IKernelBuilder AddGlm4vChatClient(this IKernelBuilder builder, IConfiguration configuration, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = SettingsBinding.Bind<Glm4vClientSettings>(configuration, configure: null);
        AddModel(builder.Services, settings, SettingsBinding.KeyPrefix(configuration), serviceId);
        return builder;
    }

    static void AddModel(IServiceCollection services, Glm4vClientSettings settings, string keyPrefix, string? serviceId)
    {
        var (engineKey, clientOptions) = Glm4vServiceCollectionExtensions.AddEngine(services, settings, keyPrefix);
        Glm4vKernelBuilderExtensions.AddKernelServices(services, sp => Glm4vServiceCollectionExtensions.CreateClient(sp, engineKey, clientOptions), serviceId);
    }
}
