using System.Text;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Glm4vSK.Samples.SemanticKernelAgent;

/// <summary>
/// What Semantic Kernel's <c>ChatCompletionAgent</c> does on each turn: the kernel's <see cref="IChatCompletionService"/>,
/// the agent's instructions as the system message, the conversation as a <see cref="ChatHistory"/>, and
/// <c>FunctionChoiceBehavior.Auto()</c> so the model calls the kernel's plugins and SK invokes them. (The
/// <c>Microsoft.SemanticKernel.Agents.Core</c> package is not on this project's package feed; with it, this class is
/// <c>new ChatCompletionAgent { Kernel = kernel, Instructions = instructions, Arguments = new(settings) }</c>.)
/// Streams the reasoning dimmed, then the answer.
/// </summary>
public sealed class ImageToolAgent(Kernel kernel, string instructions)
{
    readonly IChatCompletionService _chat = kernel.GetRequiredService<IChatCompletionService>();
    readonly PromptExecutionSettings _settings = new() { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
    readonly bool _ansi = !Console.IsOutputRedirected;

    public ChatHistory History { get; } = new(instructions);

    public async Task AskAsync(ChatMessageContent message, CancellationToken cancellationToken)
    {
        History.Add(message);
        var answer = new StringBuilder();
        bool thinking = false;
        await foreach (var update in _chat.GetStreamingChatMessageContentsAsync(History, _settings, kernel, cancellationToken))
        {
            if (update.GetReasoning() is { } reasoning) // GLM's <think> text: SK drops it, the connector keeps it
            {
                if (!thinking) Console.Write(_ansi ? "\x1b[2m[thinking] " : "[thinking] ");
                thinking = true;
                Console.Write(reasoning);
            }
            if (!string.IsNullOrEmpty(update.Content))
            {
                if (thinking) Console.Write(_ansi ? "\x1b[0m\n" : "\n");
                thinking = false;
                Console.Write(update.Content);
                answer.Append(update.Content);
            }
        }
        if (thinking) Console.Write(_ansi ? "\x1b[0m" : "");
        Console.WriteLine();
        History.AddAssistantMessage(answer.ToString()); // the tool calls and results are already in the history (SK adds them)
    }
}

/// <summary>Prints each function the model calls, and what it returned.</summary>
public sealed class ToolCallPrinter : IAutoFunctionInvocationFilter
{
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        string arguments = string.Join(", ", context.Arguments?.Select(a => $"{a.Key}={a.Value}") ?? []);
        Console.Error.WriteLine($"\n[tool] {context.Function.Name}({arguments})");
        await next(context);
        Console.Error.WriteLine($"[tool] → {context.Result.ValueType?.Name ?? "nothing"}");
    }
}
