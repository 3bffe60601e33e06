using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Everything between a conversation and the engine's inputs, as the transformers processor builds them: chat template
/// → tokenizer (markup kept as single ids) → images/videos decoded, resized, normalised and patchified → each
/// <c>&lt;|image|&gt;</c> expanded to t·h·w/4 ids and each <c>&lt;|video|&gt;</c> to one image run plus timestamp per
/// temporal patch. Thread-safe.
/// </summary>
public sealed class Glm4vProcessor
{
    readonly Glm4vConfig _config;
    readonly MediaLoader _loader;
    readonly ProcessorOptions _options;
    readonly int _imageId, _videoId;

    public Glm4vProcessor(Glm4vConfig config, Glm4vTokenizer tokenizer, IChatTemplate template, ImageProcessor images,
        VideoSamplingRule videoSampling, ProcessorOptions? options = null)
    {
        _config = config;
        Tokenizer = tokenizer;
        Template = template;
        Images = images;
        VideoSampling = videoSampling;
        _options = options ?? new ProcessorOptions();
        _loader = new MediaLoader(_options.MediaAccess, _options.HttpClient);
        _imageId = config.ImageTokenId;
        _videoId = tokenizer.TryGetTokenId("<|video|>", out int v) ? v : config.VideoTokenId;
    }

    public Glm4vTokenizer Tokenizer { get; }
    public IChatTemplate Template { get; }
    public ImageProcessor Images { get; }
    public VideoSamplingRule VideoSampling { get; }

    /// <summary>Loads tokenizer, chat template and image/video settings from a model directory.</summary>
    public static Glm4vProcessor Load(string modelDir, Glm4vConfig config, ProcessorOptions? options = null)
    {
        options ??= new ProcessorOptions();
        var tokenizer = Glm4vTokenizer.Load(modelDir);
        var template = ChatTemplates.ForModel(modelDir, options.TemplateFamily);
        var rule = options.VideoSampling ?? DetectVideoRule(modelDir);
        var p = new Glm4vProcessor(config, tokenizer, template, ImageProcessor.Load(modelDir), rule, options);
        foreach (var (name, id) in new[] { ("<|image|>", config.ImageTokenId), ("<|begin_of_image|>", config.ImageStartTokenId), ("<|end_of_image|>", config.ImageEndTokenId) })
            if (tokenizer.TryGetTokenId(name, out int tid) && tid != id)
                throw new ModelConfigException("tokenizer.json", "added_tokens", $"'{name}' has id {tid} but config.json says {id}.");
        return p;
    }

    /// <summary>GLM-4.6V checkpoints name the Glm46V processor classes; everything else samples like GLM-4.1V.</summary>
    public static VideoSamplingRule DetectVideoRule(string modelDir)
    {
        foreach (var file in new[] { "video_preprocessor_config.json", "preprocessor_config.json", "processor_config.json" })
        {
            string path = Path.Combine(modelDir, file);
            if (!File.Exists(path)) continue;
            try
            {
                if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject o) continue;
                foreach (var key in new[] { "processor_class", "video_processor_type", "image_processor_type" })
                    if (o[key]?.GetValueKind() == System.Text.Json.JsonValueKind.String && o[key]!.GetValue<string>().Contains("Glm46V", StringComparison.OrdinalIgnoreCase))
                        return VideoSamplingRule.Glm46v;
            }
            catch (System.Text.Json.JsonException) { }
        }
        return VideoSamplingRule.Glm4v;
    }

    /// <summary>Renders, tokenizes and preprocesses one conversation.</summary>
    public async Task<PreparedPrompt> PrepareAsync(IEnumerable<ChatMessage> messages, PromptOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PromptOptions();
        var conversation = MeaiConversation.Create(messages, options.Tools);
        var rendered = conversation.Render(Template, options.AddGenerationPrompt, options.EnableThinking);
        var ids = Tokenizer.Encode(rendered.Text);
        int imagePlaceholders = ids.Count(i => i == _imageId), videoPlaceholders = ids.Count(i => i == _videoId);
        if (imagePlaceholders != rendered.Images.Count || videoPlaceholders != rendered.Videos.Count)
            throw new InvalidModelInputException(
                $"The prompt text holds {imagePlaceholders} image and {videoPlaceholders} video placeholder token(s) for {rendered.Images.Count} image(s) and " +
                $"{rendered.Videos.Count} video(s): message text must not contain the markup '<|image|>' or '<|video|>'.");

        var imageParts = new List<PixelPatches>();
        var videoParts = new List<(PixelPatches Patches, IReadOnlyList<double> Seconds)>();
        try
        {
            foreach (var media in rendered.Images)
            {
                cancellationToken.ThrowIfCancellationRequested();
                imageParts.Add(await LocatedAsync(media, async () =>
                    Images.Process(await DecodeImageAsync(media.Content, cancellationToken).ConfigureAwait(false), options.MinPixels, options.MaxPixels)).ConfigureAwait(false));
            }
            foreach (var media in rendered.Videos)
            {
                cancellationToken.ThrowIfCancellationRequested();
                videoParts.Add(await LocatedAsync(media, () => ProcessVideoAsync(media.Content, options, cancellationToken)).ConfigureAwait(false));
            }
            var expanded = Expand(ids, imageParts.Select(p => p.Grid).ToList(), videoParts);
            Tensor? pixels = imageParts.Count == 0 ? null : imageParts.Count == 1 ? imageParts[0].PixelValues.alias() : cat(imageParts.Select(p => p.PixelValues).ToArray(), 0);
            Tensor? videoPixels = videoParts.Count == 0 ? null : videoParts.Count == 1 ? videoParts[0].Patches.PixelValues.alias() : cat(videoParts.Select(p => p.Patches.PixelValues).ToArray(), 0);
            var inputs = ModelInputs.FromTokens([expanded], _config.PadTokenId ?? 0,
                pixels?.DetachFromDisposeScope(), imageParts.Select(p => p.Grid).ToList(),
                videoPixels?.DetachFromDisposeScope(), videoParts.Select(p => p.Patches.Grid).ToList());
            return new PreparedPrompt(rendered.Text, expanded, inputs);
        }
        finally
        {
            foreach (var p in imageParts) p.Dispose();
            foreach (var p in videoParts) p.Patches.Dispose();
        }
    }

    /// <summary>Placeholder expansion on ids: images become t·h·w/4 image ids; a video becomes, per temporal patch,
    /// <c>&lt;|begin_of_image|&gt;</c> + h·w/4 image ids + <c>&lt;|end_of_image|&gt;</c> + the timestamp text.</summary>
    List<int> Expand(List<int> ids, IReadOnlyList<GridThw> imageGrids, IReadOnlyList<(PixelPatches Patches, IReadOnlyList<double> Seconds)> videos)
    {
        int merge = _config.Vision.SpatialMergeSize;
        var result = new List<int>(ids.Count + imageGrids.Sum(g => g.TokenCount(merge)));
        int image = 0, video = 0;
        foreach (int id in ids)
        {
            if (id == _imageId) result.AddRange(Enumerable.Repeat(_imageId, imageGrids[image++].TokenCount(merge)));
            else if (id == _videoId)
            {
                var (patches, seconds) = videos[video++];
                var g = patches.Grid;
                for (int t = 0; t < g.T; t++)
                {
                    result.Add(_config.ImageStartTokenId);
                    result.AddRange(Enumerable.Repeat(_imageId, g.H * g.W / (merge * merge)));
                    result.Add(_config.ImageEndTokenId);
                    result.AddRange(Tokenizer.Encode(VideoFrameSampler.TimestampText(seconds[Math.Min(2 * t, seconds.Count - 1)], VideoSampling)));
                }
            }
            else result.Add(id);
        }
        return result;
    }

    async Task<RgbImage> DecodeImageAsync(AIContent content, CancellationToken ct)
    {
        var bytes = await _loader.LoadAsync(content, ct).ConfigureAwait(false);
        return ImageDecoder.Decode(bytes.Data.Span, _options.MaxDecodedImagePixels, bytes.MediaType);
    }

    async Task<(PixelPatches, IReadOnlyList<double>)> ProcessVideoAsync(AIContent content, PromptOptions options, CancellationToken ct)
    {
        List<RgbImage> frames;
        IReadOnlyList<double> seconds;
        if (content is VideoFramesContent given)
        {
            frames = [];
            foreach (var f in given.Frames) frames.Add(await DecodeImageAsync(f, ct).ConfigureAwait(false));
            seconds = Enumerable.Range(0, frames.Count).Select(i => i / given.FramesPerSecond).ToList();
        }
        else
        {
            (frames, seconds) = await DecodeVideoAsync(content, ct).ConfigureAwait(false);
        }
        if (frames.Count == 1)
        {
            // A one-frame video is a still: pair the frame with itself so it forms one temporal patch.
            frames.Add(frames[0]);
            seconds = [seconds[0], seconds[0]];
        }
        var patches = Images.ProcessVideo(frames, options.VideoMinPixels, options.VideoMaxPixels);
        return (patches, seconds);
    }

    async Task<(List<RgbImage>, IReadOnlyList<double>)> DecodeVideoAsync(AIContent content, CancellationToken ct)
    {
        var (decoded, seconds) = await VideoDecoder.DecodeSampledAsync(content, _loader, VideoSampling, ct).ConfigureAwait(false);
        return (decoded.Select(f => new RgbImage(f.Width, f.Height, f.Rgb)).ToList(), seconds);
    }

    static async Task<T> LocatedAsync<T>(ConversationMedia media, Func<Task<T>> f)
    {
        try { return await f().ConfigureAwait(false); }
        catch (InvalidMediaException e) when (e.MessageIndex is null) { throw e.At(media.SourceMessageIndex, media.SourceContentIndex); }
    }
}
