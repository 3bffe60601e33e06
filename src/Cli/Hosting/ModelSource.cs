using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.Cli.Hosting;

/// <summary>Turns <c>--model</c> into a loaded engine: a directory, a hub id in the cache, or (with --download) a fresh download.</summary>
internal static class ModelSource
{
    /// <summary>The model directory for <paramref name="model"/>; downloads a missing hub id only when <paramref name="download"/>.</summary>
    public static async Task<string> ResolveAsync(CliContext context, string model, bool download, CancellationToken cancellationToken)
    {
        if (Directory.Exists(model)) return Path.GetFullPath(model);
        if (!LooksLikeHubId(model))
            throw new Glm4vException($"--model: '{model}' is neither a model directory nor a Hugging Face id (org/name).");
        try
        {
            return ModelLocator.Resolve(model);
        }
        catch (Glm4vException) when (download)
        {
            context.Error.WriteLine($"{model} is not in the Hugging Face cache; downloading it");
            return await CliProgress.DownloadAsync(context, model, revision: null, cancellationToken);
        }
        catch (Glm4vException)
        {
            throw new Glm4vException(
                $"'{model}' is not in the Hugging Face cache at '{Path.GetFullPath(ModelLocator.HubCacheDirectory())}'. " +
                $"Download it first with `glm4v download {model}`, or add --download to fetch it now.");
        }
    }

    /// <summary>Resolves, adds the demo tokenizer when asked, and loads the engine (progress on stderr).</summary>
    /// <param name="loggers">Where the engine logs (load warnings, failed requests); null: nowhere.</param>
    public static async Task<Glm4vEngine> LoadAsync(CliContext context, ModelSettings settings, ProcessorOptions? processor, CancellationToken cancellationToken,
        Microsoft.Extensions.Logging.ILoggerFactory? loggers = null)
    {
        string dir = await ResolveAsync(context, settings.Model, settings.Download, cancellationToken);
        if (settings.DemoTokenizer) dir = DemoModel.WithTokenizer(dir);
        return await CliProgress.LoadEngineAsync(context, dir, new EngineOptions
        {
            Device = settings.Device,
            DType = settings.DType,
            Processor = processor,
            LoggerFactory = loggers,
        }, cancellationToken);
    }

    /// <summary>Throws a usage error when the engine cannot read text (the tiny reference checkpoints ship no tokenizer).</summary>
    public static void RequireTokenizer(Glm4vEngine engine)
    {
        if (!engine.HasProcessor)
            throw new CliUsageException(
                $"'{engine.ModelDirectory}' has no tokenizer.json; pass --demo-tokenizer to try the pipeline with the small test tokenizer.");
    }

    /// <summary>"org/name" as the hub spells repository ids (letters, digits, '-', '_', '.').</summary>
    public static bool LooksLikeHubId(string value)
    {
        string[] parts = value.Split('/');
        return parts.Length == 2 && parts.All(p => p.Length > 0 && p is not "." and not ".." && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
    }
}
