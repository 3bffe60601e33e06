namespace Glm4vSK.Cli.Hosting;

/// <summary>The process exit codes of every <c>glm4v</c> command.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The command ran and failed (model missing, download refused, agent failed, …); the reason is on stderr.</summary>
    public const int Failure = 1;
    /// <summary>The command line is wrong: unknown option, bad value, missing argument.</summary>
    public const int Usage = 2;
    /// <summary>An agent run ended without completing its task (step limit, declined action, …).</summary>
    public const int Unfinished = 3;
    /// <summary>Cancelled with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
