namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// A request's pixel budget for images or for videos (<see cref="PromptOptions"/>), resolved against the checkpoint's
/// defaults and checked before any media is read.
/// </summary>
internal readonly record struct PixelBudget(long Min, long Max, string MinName, string MaxName)
{
    /// <exception cref="InvalidModelInputException">a budget that is not positive, or a requested minimum above the
    /// maximum (a requested maximum below the default minimum keeps transformers' meaning: the maximum wins for images
    /// above it).</exception>
    public static PixelBudget Resolve(long? min, long? max, PreprocessorConfig defaults, string minName, string maxName)
    {
        foreach (var (value, name) in new[] { (min, minName), (max, maxName) })
            if (value is <= 0)
                throw new InvalidModelInputException($"PromptOptions.{name} is {value}; a pixel budget must be positive (leave it unset for the checkpoint's default).");
        long lo = min ?? defaults.MinPixels, hi = max ?? defaults.MaxPixels;
        if (min is not null && lo > hi)
            throw new InvalidModelInputException(
                $"PromptOptions.{minName} ({Describe(lo, min)}) is larger than PromptOptions.{maxName} ({Describe(hi, max)}): " +
                $"set {minName} at most {maxName}, or raise {maxName} with it.");
        return new(lo, hi, minName, maxName);
    }

    static string Describe(long value, long? given) => given is null ? $"{value:N0}, the checkpoint's default" : $"{value:N0}";

    public string Describe() => $"PromptOptions.{MinName} = {Min:N0}, PromptOptions.{MaxName} = {Max:N0}";
}
