using System.Diagnostics;
using System.Globalization;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Hub;
using Spectre.Console;

namespace Glm4vSK.Cli.Hosting;

/// <summary>
/// Progress of downloads and model loading on stderr: a Spectre.Console bar where stderr is an interactive terminal,
/// plain lines otherwise (logs, CI, tests), so redirected output never holds cursor movements.
/// </summary>
internal static class CliProgress
{
    /// <summary>Loads the engine, with a bar over the weights' tensors on a terminal; one plain line when done.</summary>
    public static async Task<Glm4vEngine> LoadEngineAsync(CliContext context, string modelDir, EngineOptions options, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        Glm4vEngine engine;
        if (Bar(context) is { } console)
        {
            engine = await console.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async pc =>
                {
                    var task = pc.AddTask("loading weights", maxValue: 1);
                    var progress = new SyncProgress<ModelLoadProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.TensorsTotal);
                        task.Value = p.TensorsLoaded;
                    });
                    var loaded = await Glm4vEngine.LoadAsync(modelDir, options, progress, cancellationToken);
                    task.Value = task.MaxValue;
                    return loaded;
                });
        }
        else engine = await Glm4vEngine.LoadAsync(modelDir, options, cancellationToken: cancellationToken);
        context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loaded {engine.Config.ModelType} ({engine.Config.Text.NumHiddenLayers} layers, {engine.DType}, {engine.Device.type}) in {sw.ElapsedMilliseconds} ms"));
        return engine;
    }

    /// <summary>Downloads a hub model into the cache and returns its snapshot directory.</summary>
    public static async Task<string> DownloadAsync(CliContext context, string repoId, string? revision, CancellationToken cancellationToken)
    {
        var options = HubOptions.FromEnvironment();
        if (Bar(context) is { } console)
        {
            return await console.Progress().AutoClear(false).HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                    new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async pc =>
                {
                    var total = pc.AddTask(repoId, maxValue: 1);
                    total.IsIndeterminate = true;
                    var files = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                    var progress = new SyncProgress<HubDownloadProgress>(p =>
                    {
                        if (p.BytesTotal is long all && all > 0)
                        {
                            total.IsIndeterminate = false;
                            total.MaxValue = all;
                            total.Value = p.BytesDone;
                        }
                        if (!files.TryGetValue(p.File, out var file))
                            files[p.File] = file = pc.AddTask(Markup.Escape(p.File), maxValue: Math.Max(1, p.FileBytesTotal ?? 1));
                        if (p.FileBytesTotal is long size) file.MaxValue = Math.Max(1, size);
                        file.Value = p.FileBytesDone;
                    });
                    string dir = await HubDownloader.DownloadModelAsync(repoId, revision, options, progress, cancellationToken);
                    total.IsIndeterminate = false;
                    total.Value = total.MaxValue;
                    return dir;
                });
        }
        var done = new HashSet<string>(StringComparer.Ordinal);
        var plain = new SyncProgress<HubDownloadProgress>(p =>
        {
            if (p.FileBytesTotal is long size && p.FileBytesDone >= size && done.Add(p.File))
                context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.File}: {Size(size)}"));
        });
        return await HubDownloader.DownloadModelAsync(repoId, revision, options, plain, cancellationToken);
    }

    /// <summary>A console that draws on stderr, or null where bars do not belong (see <see cref="CliContext.ErrorIsTerminal"/>).</summary>
    static IAnsiConsole? Bar(CliContext context) => context.ErrorIsTerminal
        ? AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Error),
            // Detected once, for the real stderr, in CliContext.FromConsole; a writer passed in is taken at its word.
            Interactive = InteractionSupport.Yes,
            Ansi = AnsiSupport.Yes,
        })
        : null;

    static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):F1} KiB",
        _ => $"{bytes} B",
    };
}
