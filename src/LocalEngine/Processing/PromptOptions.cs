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
    /// <summary>
    /// Smallest pixel budget of each image (default: the checkpoint's preprocessor_config.json size.shortest_edge).
    /// Budgets must be positive with the minimum at most the maximum (defaults included); the resized image must stay
    /// within <see cref="ProcessorOptions.MaxDecodedImagePixels"/> and the prompt within the context, all checked before
    /// any resizing (<see cref="InvalidModelInputException"/>, <see cref="ContextLengthExceededException"/>).
    /// </summary>
    public long? MinPixels { get; init; }
    /// <summary>Largest pixel budget of each image (default: size.longest_edge). Note the budget counts the image twice (two temporal frames).</summary>
    public long? MaxPixels { get; init; }
    /// <summary>Largest pixel budget of a whole video (frames × height × width); checked as <see cref="MinPixels"/> is, per frame for the decoded-pixel limit.</summary>
    public long? VideoMaxPixels { get; init; }
    /// <summary>Smallest pixel budget of a whole video (frames × height × width).</summary>
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
    /// <summary>
    /// Largest decoded image, in pixels (refused from the header, before decoding); also the largest size an image or a
    /// video frame may be resized to under a request's pixel budget.
    /// </summary>
    public long MaxDecodedImagePixels { get; init; } = ImageDecoder.DefaultMaxPixels;
    /// <summary>
    /// Whose text is encoded with chat markup as plain text (default: tool results only). Hugging Face's tokenizer turns
    /// markup typed anywhere (<c>&lt;|user|&gt;</c>, <c>&lt;|observation|&gt;</c>, <c>&lt;|begin_of_image|&gt;</c>, every
    /// added token) into the real control tokens, so a web page an agent reads could open a fake user turn. Text of the
    /// sources named here is tokenized by the ordinary BPE as the characters it holds; the rendered prompt text is the
    /// same either way. <see cref="MarkupSources.UserMessages"/> is off by default for parity with Hugging Face (and a
    /// user's typed <c>/nothink</c> then stays a switch only where the template reads it as one: at the end of the
    /// message with thinking off); <see cref="MarkupSources.None"/> restores Hugging Face's behaviour everywhere.
    /// </summary>
    public MarkupSources LiteralMarkupIn { get; init; } = MarkupSources.ToolResults;
    public HttpClient? HttpClient { get; init; }
}
