using System.CommandLine;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Cli.Commands;
using Glm4vSK.Cli.Hosting;
using Glm4vSK.LocalEngine;

namespace Glm4vSK.Cli;

/// <summary>
/// The <c>glm4v</c> command line: builds the command tree and runs one invocation, in-process (the tests call this
/// with their own writers) or from <c>Program</c>.
/// </summary>
public static class Glm4vCli
{
    /// <summary>The root command with every subcommand, reading and writing through <paramref name="context"/>.</summary>
    public static RootCommand Create(CliContext context)
    {
        // HelpName: the tool's name in usage lines, however it is started (dotnet run, the tool shim, a test host).
        var root = new RootCommand("glm4v: GLM-4V vision-language models in-process on TorchSharp (Glm4vSK).") { HelpName = "glm4v" };
        root.Subcommands.Add(DownloadCommand.Create(context));
        root.Subcommands.Add(ChatCommand.Create(context));
        root.Subcommands.Add(GroundCommand.Create(context));
        root.Subcommands.Add(AgentCommand.Create(context));
        root.Subcommands.Add(AgentCommand.CreateMcp(context));
        root.Subcommands.Add(BenchCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        return root;
    }

    /// <summary>Runs one command line with the given writers (no terminal: plain progress lines, no colours).</summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error, TextReader? input = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(args, new CliContext(output, error, input ?? TextReader.Null), cancellationToken);

    /// <summary>
    /// Runs one command line. Exit codes (<see cref="ExitCodes"/>): 0 success, 1 failure (reason on stderr), 2 a wrong
    /// command line (the message names the option), 3 an agent run that ended unfinished, 130 cancelled.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var parse = Create(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // System.CommandLine would print the errors and the whole help with exit code 1; a usage error is 2 by convention.
            foreach (var e in parse.Errors) context.Error.WriteLine($"error: {e.Message}");
            context.Error.WriteLine($"Try '{CommandPath(parse)} --help'.");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C is the caller's: Program cancels cancellationToken, so the command ends cleanly instead of being cut off.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (CliUsageException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is Glm4vException or GuiExecutorException or IOException or UnauthorizedAccessException
            or Connector.Grounding.GroundingDrawingException or TimeoutException or System.Net.Http.HttpRequestException)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(r.Command is RootCommand ? "glm4v" : r.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}
