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
///     .AddGlm4vChatClient(Glm4vRemoteChatClient.ForEndpoint(new Uri("http://gpu-box:8000/v1"), null, "zai-org/GLM-4.6V"))
///     .Build();
/// </code>
/// (a model loaded in-process: <c>AddGlm4vChatClient(modelPath, …)</c> of Glm4vSK.Connector.Local).
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
    // The category the local client's pipeline has always logged under; kept for the remote one too so that log filters
    // keep working now that the local client's type lives in Glm4vSK.Connector.Local.
    const string LoggerCategory = "Glm4vSK.Connector.Glm4vChatClient";

    /// <summary>
    /// Adds an existing client (a <see cref="Glm4vRemoteChatClient"/>, a local <c>Glm4vChatClient</c>, e.g. over an engine
    /// shared with other code, or a pipeline over one). The kernel's services dispose the pipeline they build, which a
    /// local <c>Glm4vChatClient</c> ignores: its engine stays the caller's.
    /// </summary>
    public static IKernelBuilder AddGlm4vChatClient(this IKernelBuilder builder, IChatClient chatClient, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(chatClient);
        AddKernelServices(builder.Services, _ => chatClient, serviceId);
        return builder;
    }

    internal static void AddKernelServices(IServiceCollection services, Func<IServiceProvider, IChatClient> createClient, string? serviceId)
    {
        services.AddKeyedSingleton<IChatClient>(serviceId, (sp, _) => createClient(sp).AsBuilder()
            .UseKernelFunctionInvocation()
            .Use((inner, provider) => provider.GetService<ILoggerFactory>() is { } lf ? new LoggingChatClient(inner, lf.CreateLogger(LoggerCategory)) : inner)
            .UseReasoningMetadata()
            .Build(sp));
        services.AddKeyedSingleton<IChatCompletionService>(serviceId, (sp, _) =>
            sp.GetRequiredKeyedService<IChatClient>(serviceId).AsChatCompletionService(sp).WithReasoningContent());
    }
}
