using System.CommandLine;
using Glm4vSK.Cli.Hosting;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Glm4vSK.Cli.Commands;

/// <summary>
/// <c>glm4v serve</c>: the OpenAI-compatible endpoints of Glm4vSK.Server over the in-process engine, on Kestrel.
/// Prints one line, <c>listening on http://HOST:PORT</c>, on stdout once it accepts requests (logs go to stderr);
/// cancellation (Ctrl+C) stops accepting and lets running streams finish, up to the drain timeout.
/// </summary>
internal static class ServeCommand
{
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public static Command Create(CliContext context)
    {
        var model = new ModelOptions(required: true);
        var host = new Option<string>("--host") { Description = "the address to listen on (0.0.0.0 for every interface)", DefaultValueFactory = _ => "127.0.0.1", HelpName = "ip" };
        var port = CliOption.Number("--port", "the TCP port (0 picks a free one; default 8000)", 0, 65535, "N");
        var apiKeys = new Option<string[]>("--api-key") { Description = "a key clients must send as 'Authorization: Bearer KEY' (repeat for several)", HelpName = "key" };
        var served = new Option<string?>("--served-model-name") { Description = "the model name clients ask for (default: the model directory's name)", HelpName = "name" };
        var maxTokens = CliOption.Number("--max-tokens-cap", "most tokens one answer may generate (default 4096)", 1, int.MaxValue, "N");
        var maxQueued = CliOption.Number("--max-queued", "most requests running or waiting at once; more get 429 (default 256)", 1, int.MaxValue, "N");
        var maxPixels = CliOption.Number("--max-pixels", "pixel budget per image (default: the checkpoint's)", 1L, long.MaxValue, "N");
        var command = new Command("serve", "Serve a GLM-4V checkpoint over the OpenAI Chat Completions API (as vLLM does), on Kestrel in-process.");
        model.AddTo(command);
        foreach (var option in new Option[] { host, port, apiKeys, served, maxTokens, maxQueued, maxPixels }) command.Options.Add(option);

        command.SetAction(async (parse, ct) =>
        {
            var settings = model.Read(parse)!;
            string address = parse.GetValue(host) ?? "127.0.0.1";
            if (!System.Net.IPAddress.TryParse(address, out var ip))
                throw new CliUsageException($"--host: '{address}' is not an IP address (use 127.0.0.1, 0.0.0.0 or ::).");
            // Requests never read the server's files or fetch URLs: media come inline (data URLs).
            // The engine's warnings and failed requests on stderr (never prompt text), as a server operator expects.
            using var engineLoggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddProvider(new ErrorWriterLoggerProvider(context.Error)));
            await using var engine = await ModelSource.LoadAsync(context, settings, new ProcessorOptions { MediaAccess = MediaAccessPolicy.InlineOnly }, ct, engineLoggers);
            ModelSource.RequireTokenizer(engine);
            string name = parse.GetValue(served) ?? (Directory.Exists(settings.Model)
                ? Path.GetFileName(Path.GetFullPath(settings.Model).TrimEnd(Path.DirectorySeparatorChar))
                : settings.Model); // a hub id serves under its own name, as vLLM does
            var options = new Glm4vServerOptions
            {
                ServedModelNames = [name],
                ApiKeys = parse.GetValue(apiKeys) ?? [],
                MaxTokensCap = parse.GetValue(maxTokens) ?? 4096,
                MaxQueuedRequests = parse.GetValue(maxQueued) ?? 256,
                MaxPixels = parse.GetValue(maxPixels),
            };

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.ConfigureKestrel(k => k.Listen(ip, parse.GetValue(port) ?? 8000));
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = DrainTimeout);
            builder.Services.AddSingleton<IChatClient>(new Glm4vChatClient(engine, new Glm4vChatClientOptions { ModelId = name }));
            builder.Services.AddGlm4vServer(options);
            await using var app = builder.Build();
            app.MapGlm4vOpenAI();
            app.MapGlm4vChatPage();

            await app.StartAsync(ct);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            context.Output.WriteLine($"listening on {bound}");
            context.Output.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException) { }
            // Graceful: stop accepting, let running requests finish (up to DrainTimeout), then dispose the engine.
            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        });
        return command;
    }
}
