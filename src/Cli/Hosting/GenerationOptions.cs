using System.CommandLine;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Cli.Hosting;

/// <summary>Decoding and image-size options shared by chat and ground, mapped onto MEAI <see cref="ChatOptions"/>.</summary>
internal sealed class GenerationOptions
{
    public Option<bool> NoThinking { get; } = new("--no-thinking") { Description = "answer without the thinking part (GLM-4.5V/4.6V hybrid models)" };
    public Option<int?> MaxNewTokens { get; } = CliOption.Number("--max-new-tokens", "most tokens to generate per answer (default 256)", 1, int.MaxValue, "N");
    public Option<long?> MinPixels { get; } = CliOption.Number("--min-pixels", "smallest image area after resizing (default: the checkpoint's)", 1L, long.MaxValue, "N");
    public Option<long?> MaxPixels { get; } = CliOption.Number("--max-pixels", "largest image area after resizing (default: the checkpoint's)", 1L, long.MaxValue, "N");
    public Option<bool> Sample { get; } = new("--sample") { Description = "sample instead of greedy decoding (temperature 1 unless given)" };
    public Option<float?> Temperature { get; } = CliOption.Number("--temperature", "sampling temperature; 0 is greedy", 0f, 100f, "T");
    public Option<float?> TopP { get; } = CliOption.Number("--top-p", "nucleus sampling mass, 0 to 1", 0f, 1f, "P");
    public Option<int?> TopK { get; } = CliOption.Number("--top-k", "sample among the K likeliest tokens", 0, int.MaxValue, "K");
    public Option<long?> Seed { get; } = CliOption.Number("--seed", "random seed for sampling", long.MinValue, long.MaxValue, "S");

    public const int DefaultMaxNewTokens = 256;

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { NoThinking, MaxNewTokens, MinPixels, MaxPixels, Sample, Temperature, TopP, TopK, Seed })
            command.Options.Add(option);
    }

    public ChatOptions Read(ParseResult parse)
    {
        float? temperature = parse.GetValue(Temperature);
        var options = new ChatOptions
        {
            MaxOutputTokens = parse.GetValue(MaxNewTokens) ?? DefaultMaxNewTokens,
            // Greedy unless --sample or a positive temperature asks otherwise.
            Temperature = parse.GetValue(Sample) ? temperature ?? 1f : temperature ?? 0f,
            TopP = parse.GetValue(TopP),
            TopK = parse.GetValue(TopK),
            Seed = parse.GetValue(Seed),
            Reasoning = parse.GetValue(NoThinking) ? new ReasoningOptions { Effort = ReasoningEffort.None } : null,
            AdditionalProperties = [],
        };
        if (parse.GetValue(MinPixels) is long min) options.AdditionalProperties["min_pixels"] = min;
        if (parse.GetValue(MaxPixels) is long max) options.AdditionalProperties["max_pixels"] = max;
        return options;
    }
}
