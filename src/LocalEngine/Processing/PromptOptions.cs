using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>Per-request choices for turning a conversation into model inputs. Immutable.</summary>
public sealed record PromptOptions
{
    /// <summary>Tools declared to the model (GLM-4.5V/4.6V template; GLM-4.1V has no tool support and ignores them).</summary>
    public IReadOnlyList<AITool>? Tools { get; init; }
    /// <summary>Thinking on/off for the GLM-4.5V/4.6V template (null: the template's default, on). GLM-4.1V always thinks.</summary>
    public bool? EnableThinking { get; init; }
    /// <summary>End the prompt with the assistant turn opener (default true).</summary>
    public bool AddGenerationPrompt { get; init; } = true;
    /// <summary>Pixel budget of each image (default: the checkpoint's preprocessor_config.json size.shortest_edge).</summary>
    public long? MinPixels { get; init; }
    /// <summary>Pixel budget of each image (default: size.longest_edge). Note the budget counts the image twice (two temporal frames).</summary>
    public long? MaxPixels { get; init; }
    /// <summary>Pixel budget of a whole video (frames × height × width).</summary>
    public long? VideoMaxPixels { get; init; }
    public long? VideoMinPixels { get; init; }
}

/// <summary>Processor-wide choices, fixed at load time.</summary>
public sealed record ProcessorOptions
{
    /// <summary>Which chat template to use (default: detected from the checkpoint).</summary>
    public ChatTemplateFamily? TemplateFamily { get; init; }
    /// <summary>Which video frame sampling and timestamp text (default: from the processor class the checkpoint names).</summary>
    public VideoSamplingRule? VideoSampling { get; init; }
    /// <summary>Where media referenced by URI may be read from (default: inline data only).</summary>
    public MediaAccessPolicy MediaAccess { get; init; } = MediaAccessPolicy.InlineOnly;
    /// <summary>Largest decoded image, in pixels (refused from the header, before decoding).</summary>
    public long MaxDecodedImagePixels { get; init; } = ImageDecoder.DefaultMaxPixels;
    public HttpClient? HttpClient { get; init; }
}
