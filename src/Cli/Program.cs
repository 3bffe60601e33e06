using Glm4vSK.Cli;
using Glm4vSK.Cli.Hosting;

// glm4v: the command line of Glm4vSK. Ctrl+C cancels the running command cleanly (a second one ends the process).
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cts.IsCancellationRequested) return;
    e.Cancel = true;
    cts.Cancel();
};
return await Glm4vCli.InvokeAsync(args, CliContext.FromConsole(), cts.Token);
