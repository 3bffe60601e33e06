using System.Diagnostics;

namespace Glm4vSK.LocalEngine.Telemetry;

/// <summary>
/// When the processor prepared a prompt (template, tokenizer, media), kept on its <see cref="ModelInputs"/>: the
/// engine's request span and time to first token start here, and the prepare span is recorded under the request.
/// </summary>
/// <param name="Started">Stopwatch timestamp of the start.</param>
/// <param name="Ended">Stopwatch timestamp of the end.</param>
/// <param name="Text">The rendered prompt (logged only with <see cref="EngineOptions.LogPromptText"/>).</param>
internal sealed record PrepareTiming(long Started, long Ended, string Text, int Images, int Videos)
{
    public static long Now() => Stopwatch.GetTimestamp();
}
