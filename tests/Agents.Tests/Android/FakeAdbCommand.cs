namespace Glm4vSK.Agents.Tests.Android;

/// <summary>One device command the fake adb server received.</summary>
/// <param name="Serial">The device it was sent to.</param>
/// <param name="Service"><c>shell</c> or <c>exec</c>.</param>
/// <param name="CommandLine">The command line exactly as the client sent it (after <c>shell:</c> / <c>exec:</c>).</param>
/// <param name="Commands">
/// The command line as the device shell would split it: one argument vector per simple command (a command line
/// with an unquoted <c>;</c>, <c>&amp;</c> or <c>|</c> gives several), quotes removed.
/// </param>
/// <param name="HasExpansion">
/// Whether the device shell would expand something (<c>$</c>, a backquote, a redirection or a subshell outside
/// single quotes): text meant to be typed verbatim must never do that.
/// </param>
public sealed record FakeAdbCommand(string Serial, string Service, string CommandLine, IReadOnlyList<IReadOnlyList<string>> Commands, bool HasExpansion)
{
    /// <summary>The argument vector of a command line that holds exactly one simple command.</summary>
    public IReadOnlyList<string> Argv => Commands.Count == 1
        ? Commands[0]
        : throw new InvalidOperationException($"'{CommandLine}' holds {Commands.Count} commands, not one.");

    /// <inheritdoc />
    public override string ToString() => $"{Service}:{CommandLine}";
}
