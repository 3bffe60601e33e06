using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Samples.Shared;

/// <summary>Runs one streaming turn of an Agent Framework agent on the console: reasoning dimmed, tool calls on stderr, then the answer.</summary>
public static class AgentConsole
{
    static readonly bool Ansi = !Console.IsOutputRedirected;

    public static async Task<string> AskAsync(AIAgent agent, ChatMessage message, AgentSession session, CancellationToken cancellationToken)
    {
        var answer = new System.Text.StringBuilder();
        bool thinking = false;
        await foreach (var update in agent.RunStreamingAsync(message, session, cancellationToken: cancellationToken))
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextReasoningContent { Text.Length: > 0 } r: // GLM's <think> text, as reasoning content
                        if (!thinking) Console.Write(Ansi ? "\x1b[2m[thinking] " : "[thinking] ");
                        thinking = true;
                        Console.Write(r.Text);
                        break;
                    case TextContent { Text.Length: > 0 } t:
                        EndThinking(ref thinking);
                        Console.Write(t.Text);
                        answer.Append(t.Text);
                        break;
                    case FunctionCallContent call:
                        EndThinking(ref thinking);
                        Console.Error.WriteLine($"\n[tool] {call.Name}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}={a.Value}") ?? [])})");
                        break;
                    case FunctionResultContent result:
                        Console.Error.WriteLine($"[tool] → {(result.Result is DataContent d ? $"{d.MediaType}, {d.Data.Length} bytes" : result.Result?.GetType().Name ?? "nothing")}");
                        break;
                }
            }
        }
        EndThinking(ref thinking);
        Console.WriteLine();
        return answer.ToString();
    }

    static void EndThinking(ref bool thinking)
    {
        if (thinking) Console.Write(Ansi ? "\x1b[0m\n" : "\n");
        thinking = false;
    }
}
