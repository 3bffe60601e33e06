using Glm4vSK.Connector;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Adds a GLM-4V chat client to a Semantic Kernel, the way SK's own local connectors (ONNX, Ollama) do:
/// <code>
/// var kernel = Kernel.CreateBuilder()
///     .AddGlm4vChatClient("/models/GLM-4.6V-Flash", s => s.Device = "cuda")
///     .Build();
/// </code>
/// Registered under <c>serviceId</c> (null: unkeyed):
/// <list type="bullet">
/// <item>an <see cref="IChatClient"/> pipeline: SK's kernel function invocation (auto function calling with
/// <c>FunctionChoiceBehavior.Auto()</c>, filters, and a function's raw result, images included, handed to the model),
/// logging when an <see cref="ILoggerFactory"/> is registered, then <see cref="ReasoningMetadataChatClient"/> over the
/// GLM-4V client;</item>
/// <item>an <see cref="IChatCompletionService"/> over that pipeline (<c>AsChatCompletionService()</c>, what
/// <c>ChatCompletionAgent</c> and prompt functions look for first) whose messages carry the reasoning as SK
/// <see cref="ReasoningContent"/> items and as <c>Metadata["reasoning_content"]</c>.</item>
/// </list>
/// </summary>
public static class Glm4vKernelBuilderExtensions
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
        var settings = Glm4vServiceCollectionExtensions.Bind(configuration, configure: null);
        AddModel(builder.Services, settings, Glm4vServiceCollectionExtensions.KeyPrefix(configuration), serviceId);
        return builder;
    }

    /// <summary>
    /// Adds an existing client (a <see cref="Glm4vChatClient"/>, e.g. over an engine shared with other code, or a pipeline
    /// over one). The kernel's services dispose the pipeline they build, which a <see cref="Glm4vChatClient"/> ignores:
    /// its engine stays the caller's.
    /// </summary>
    public static IKernelBuilder AddGlm4vChatClient(this IKernelBuilder builder, IChatClient chatClient, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(chatClient);
        AddKernelServices(builder.Services, _ => chatClient, serviceId);
        return builder;
    }

    static void AddModel(IServiceCollection services, Glm4vClientSettings settings, string keyPrefix, string? serviceId)
    {
        var (engineKey, clientOptions) = Glm4vServiceCollectionExtensions.AddEngine(services, settings, keyPrefix);
        AddKernelServices(services, sp => Glm4vServiceCollectionExtensions.CreateClient(sp, engineKey, clientOptions), serviceId);
    }

    static void AddKernelServices(IServiceCollection services, Func<IServiceProvider, IChatClient> createClient, string? serviceId)
    {
        services.AddKeyedSingleton<IChatClient>(serviceId, (sp, _) => createClient(sp).AsBuilder()
            .UseKernelFunctionInvocation()
            .Use((inner, provider) => provider.GetService<ILoggerFactory>() is { } lf ? new LoggingChatClient(inner, lf.CreateLogger<Glm4vChatClient>()) : inner)
            .UseReasoningMetadata()
            .Build(sp));
        services.AddKeyedSingleton<IChatCompletionService>(serviceId, (sp, _) =>
            sp.GetRequiredKeyedService<IChatClient>(serviceId).AsChatCompletionService(sp).WithReasoningContent());
    }
}
