using Glm4vSK.Cli;

namespace Glm4vSK.Cli.Tests;

/// <summary>One in-process <c>glm4v</c> invocation and what it wrote.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

internal static class CliRun
{
    public static async Task<CliResult> RunAsync(string[] args, string? input = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var err = error ?? new StringWriter();
        int code = await Glm4vCli.InvokeAsync(args, output, err, input is null ? null : new StringReader(input), cancellationToken);
        return new CliResult(code, output.ToString(), err.ToString()!);
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, input: null);
}
