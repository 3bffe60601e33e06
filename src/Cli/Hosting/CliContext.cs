using Spectre.Console;

namespace Glm4vSK.Cli.Hosting;

/// <summary>
/// Where a command reads and writes: the process's console, or the writers a test passes in. Results go to
/// <see cref="Output"/>; progress, logs and errors to <see cref="Error"/>, so piping the output keeps only results.
/// </summary>
public sealed record CliContext(TextWriter Output, TextWriter Error, TextReader Input)
{
    /// <summary>Standard output is a terminal: colours (dimmed thinking) are wanted.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>
    /// Standard error is an interactive ANSI terminal: progress is drawn there as a Spectre.Console bar, else written
    /// as plain lines.
    /// </summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Standard input is a terminal: prompts are shown and questions asked.</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>The process's own console, with what is redirected detected.</summary>
    public static CliContext FromConsole() => new(Console.Out, Console.Error, Console.In)
    {
        OutputIsTerminal = !Console.IsOutputRedirected,
        ErrorIsTerminal = !Console.IsErrorRedirected
            && AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }).Profile.Capabilities is { Interactive: true, Ansi: true },
        InputIsTerminal = !Console.IsInputRedirected,
    };
}
