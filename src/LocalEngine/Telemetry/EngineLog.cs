using Microsoft.Extensions.Logging;

namespace Glm4vSK.LocalEngine.Telemetry;

/// <summary>The engine's log messages. Prompt text appears only in <see cref="RequestPrompt"/>, logged only with <see cref="EngineOptions.LogPromptText"/>.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(1, LogLevel.Information, "Loaded GLM-4V model {ModelDirectory} on {Device} in {DType} in {Seconds:F2} s")]
    public static partial void Loaded(ILogger logger, string modelDirectory, string device, string dtype, double seconds);

    [LoggerMessage(2, LogLevel.Warning, "Loading {ModelDirectory}: {Warning}")]
    public static partial void LoadWarning(ILogger logger, string modelDirectory, string warning);

    [LoggerMessage(3, LogLevel.Error, "Loading the GLM-4V model {ModelDirectory} failed")]
    public static partial void LoadFailed(ILogger logger, Exception error, string modelDirectory);

    [LoggerMessage(4, LogLevel.Warning, "Request failed ({ErrorType}) after {Seconds:F3} s: {PromptTokens} prompt tokens, {OutputTokens} generated")]
    public static partial void RequestFailed(ILogger logger, Exception error, string errorType, int promptTokens, int outputTokens, double seconds);

    [LoggerMessage(5, LogLevel.Debug, "Request cancelled after {OutputTokens} generated tokens, {Seconds:F3} s")]
    public static partial void RequestCancelled(ILogger logger, int outputTokens, double seconds);

    [LoggerMessage(6, LogLevel.Debug, "Request done: {PromptTokens} prompt tokens ({ReusedTokens} from the prefix cache), {OutputTokens} generated, first token after {FirstTokenSeconds:F3} s, {Seconds:F3} s in all")]
    public static partial void RequestCompleted(ILogger logger, int promptTokens, int reusedTokens, int outputTokens, double firstTokenSeconds, double seconds);

    /// <summary>At the level of the request's outcome: Debug, or Warning next to a failure.</summary>
    [LoggerMessage(EventId = 7, Message = "Request prompt: {PromptText}")]
    public static partial void RequestPrompt(ILogger logger, LogLevel level, string promptText);
}
