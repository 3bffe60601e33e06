namespace Glm4vSK.Cli.Hosting;

/// <summary>
/// A command line that parsed but cannot work (e.g. <c>--endpoint</c> without <c>--api-model</c>): exit code 2, like a
/// parse error, with a message naming the option and what to pass.
/// </summary>
public sealed class CliUsageException(string message) : Exception(message);
