using Microsoft.SemanticKernel;

namespace Glm4vSK.Agents.SemanticKernel;

/// <summary>Registers a <see cref="GuiAgent"/> as a Semantic Kernel plugin.</summary>
public static class GuiAgentKernelExtensions
{
    /// <summary>
    /// Creates a plugin named <paramref name="pluginName"/> whose function <c>operate(task)</c> runs the agent.
    /// <paramref name="description"/> replaces the generic description, e.g. "Operates the company intranet in a browser".
    /// </summary>
    public static KernelPlugin CreateGuiAgentPlugin(GuiAgent agent, string pluginName = "gui", string? description = null, string? reportDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginName);
        var plugin = new GuiAgentPlugin(agent, reportDirectory);
        var function = KernelFunctionFactory.CreateFromMethod(
            plugin.OperateAsync,
            new KernelFunctionFromMethodOptions
            {
                FunctionName = "operate",
                Description = description ?? GuiAgentPlugin.DefaultDescription,
            });
        return KernelPluginFactory.CreateFromFunctions(pluginName, description ?? GuiAgentPlugin.DefaultDescription, [function]);
    }

    /// <summary>Adds the agent to a kernel's plugins (see <see cref="CreateGuiAgentPlugin"/>).</summary>
    public static KernelPlugin AddGuiAgent(this KernelPluginCollection plugins, GuiAgent agent, string pluginName = "gui", string? description = null, string? reportDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        var plugin = CreateGuiAgentPlugin(agent, pluginName, description, reportDirectory);
        plugins.Add(plugin);
        return plugin;
    }

    /// <summary>Adds the agent to a kernel builder's plugins (see <see cref="CreateGuiAgentPlugin"/>).</summary>
    public static IKernelBuilderPlugins AddGuiAgent(this IKernelBuilderPlugins plugins, GuiAgent agent, string pluginName = "gui", string? description = null, string? reportDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        plugins.Add(CreateGuiAgentPlugin(agent, pluginName, description, reportDirectory));
        return plugins;
    }
}
