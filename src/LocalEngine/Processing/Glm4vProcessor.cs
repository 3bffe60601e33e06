using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Everything between a conversation and the engine's inputs, as the transformers processor builds them: chat template
/// → tokenizer (markup kept as single ids, except in the message texts <see cref="ProcessorOptions.LiteralMarkupIn"/> names) → images/videos decoded, resized, normalised and patchified → each
/// <c>&lt;|image|&gt;</c> expanded to t·h·w/4 ids and each <c>&lt;|video|&gt;</c> to one image run plus timestamp per
/// temporal patch. Thread-safe.
/// </summary>
/// <remarks>
/// Work is bounded before it is done: pixel budgets are validated first, text that cannot fit the context is refused
/// before it is tokenized, and each image or video's resized size and token count are checked against
/// <see cref="ProcessorOptions.MaxDecodedImagePixels"/> and the context before its pixels are decoded or resized.
/// </remarks>
public sealed class Glm4vProcessor
{
    readonly Glm4vConfig _config;
    readonly MediaLoader _loader;
    readonly ProcessorOptions _options;
    readonly int _imageId, _videoId;

    /// <param name="contextTokens">the engine's context window (default: the model's max_position_embeddings): prompts
    /// that leave no room for a new token are refused before their media are processed.</param>
    public Glm4vProcessor(Glm4vConfig config, Glm4vTokenizer tokenizer, IChatTemplate template, ImageProcessor images,
        VideoSamplingRule videoSampling, ProcessorOptions? options = null, int? contextTokens = null)
    {
        if (contextTokens is <= 0) throw new ArgumentOutOfRangeException(nameof(contextTokens), contextTokens, "must be positive.");
        _config = config;
        Tokenizer = tokenizer;
        Template = template;
        Images = images;
        VideoSampling = videoSampling;
        _options = options ?? new ProcessorOptions();
        _loader = new MediaLoader(_options.MediaAccess, _options.HttpClient);
        _imageId = config.ImageTokenId;
        _videoId = tokenizer.TryGetTokenId("<|video|>", out int v) ? v : config.VideoTokenId;
        ContextTokens = Math.Min(contextTokens ?? config.Text.MaxPositionEmbeddings, config.Text.MaxPositionEmbeddings);
    }

    /// <summary>Largest prompt + output length; a prompt of this many tokens or more is refused.</summary>
    public int ContextTokens { get; }

    public Glm4vTokenizer Tokenizer { get; }
    public IChatTemplate Template { get; }
    public ImageProcessor Images { get; }
    public VideoSamplingRule VideoSampling { get; }

    /// <summary>Loads tokenizer, chat template and image/video settings from a model directory.</summary>
    public static Glm4vProcessor Load(string modelDir, Glm4vConfig config, ProcessorOptions? options = null, int? contextTokens = null)
    {
        options ??= new ProcessorOptions();
        var tokenizer = Glm4vTokenizer.Load(modelDir);
        var template = ChatTemplates.ForModel(modelDir, options.TemplateFamily);
        var rule = options.VideoSampling ?? DetectVideoRule(modelDir);
        var p = new Glm4vProcessor(config, tokenizer, template, ImageProcessor.Load(modelDir), rule, options, contextTokens);
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
    /// <exception cref="InvalidModelInputException">a pixel budget that is not positive, not ordered, or that would
    /// resize past <see cref="ProcessorOptions.MaxDecodedImagePixels"/>; markup placeholders in trusted text.</exception>
    /// <exception cref="ContextLengthExceededException">the prompt, media included, leaves no room in the context.</exception>
    public async Task<PreparedPrompt> PrepareAsync(IEnumerable<ChatMessage> messages, PromptOptions? options = null, CancellationToken cancellationToken = default)
    {
        long started = Telemetry.PrepareTiming.Now();
        options ??= new PromptOptions();
        var imageBudget = PixelBudget.Resolve(options.MinPixels, options.MaxPixels, Images.Config, nameof(PromptOptions.MinPixels), nameof(PromptOptions.MaxPixels));
        var videoBudget = PixelBudget.Resolve(options.VideoMinPixels, options.VideoMaxPixels, Images.Video.Pixels, nameof(PromptOptions.VideoMinPixels), nameof(PromptOptions.VideoMaxPixels));
        var conversation = MeaiConversation.Create(messages, options.Tools);
        var rendered = conversation.Render(Template, options.AddGenerationPrompt, options.EnableThinking);
        var literal = rendered.ContentSpans.Where(s => IsLiteral(s.Role)).Select(s => s.Range).ToList();
        var ids = Tokenizer.Encode(rendered.Text, literal, ContextTokens);
        int imagePlaceholders = ids.Count(i => i == _imageId), videoPlaceholders = ids.Count(i => i == _videoId);
        if (imagePlaceholders != rendered.Images.Count || videoPlaceholders != rendered.Videos.Count)
            throw new InvalidModelInputException(
                $"The prompt text holds {imagePlaceholders} image and {videoPlaceholders} video placeholder token(s) for {rendered.Images.Count} image(s) and " +
                $"{rendered.Videos.Count} video(s): message text must not contain the markup '<|image|>' or '<|video|>'.");

        // Prompt length so far, each placeholder counted once the media that replaces it is sized.
        long tokens = ids.Count - imagePlaceholders - videoPlaceholders;
        var imageParts = new List<PixelPatches>();
        var videoParts = new List<(PixelPatches Patches, IReadOnlyList<double> Seconds)>();
        try
        {
            foreach (var media in rendered.Images)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var part = await LocatedAsync(media, () => ProcessImageAsync(media.Content, imageBudget, tokens, cancellationToken)).ConfigureAwait(false);
                imageParts.Add(part);
                tokens += ImageTokens(part.Grid);
            }
            foreach (var media in rendered.Videos)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var part = await LocatedAsync(media, () => ProcessVideoAsync(media.Content, videoBudget, tokens, cancellationToken)).ConfigureAwait(false);
                videoParts.Add(part);
                tokens += VideoTokens(part.Patches.Grid);
            }
            var expanded = Expand(ids, imageParts.Select(p => p.Grid).ToList(), videoParts);
            if (expanded.Count >= ContextTokens) throw new ContextLengthExceededException(expanded.Count, 0, ContextTokens);
            Tensor? pixels = imageParts.Count == 0 ? null : imageParts.Count == 1 ? imageParts[0].PixelValues.alias() : cat(imageParts.Select(p => p.PixelValues).ToArray(), 0);
            Tensor? videoPixels = videoParts.Count == 0 ? null : videoParts.Count == 1 ? videoParts[0].Patches.PixelValues.alias() : cat(videoParts.Select(p => p.Patches.PixelValues).ToArray(), 0);
            var inputs = ModelInputs.FromTokens([expanded], _config.PadTokenId ?? 0,
                pixels?.DetachFromDisposeScope(), imageParts.Select(p => p.Grid).ToList(),
                videoPixels?.DetachFromDisposeScope(), videoParts.Select(p => p.Patches.Grid).ToList());
            inputs.Prepared = new Telemetry.PrepareTiming(started, Telemetry.PrepareTiming.Now(), rendered.Text, imageParts.Count, videoParts.Count);
            return new PreparedPrompt(rendered.Text, expanded, inputs);
        }
        finally
        {
            foreach (var p in imageParts) p.Dispose();
            foreach (var p in videoParts) p.Patches.Dispose();
        }
    }

    bool IsLiteral(TemplateRole role) => role switch
    {
        TemplateRole.Tool => _options.LiteralMarkupIn.HasFlag(MarkupSources.ToolResults),
        TemplateRole.User => _options.LiteralMarkupIn.HasFlag(MarkupSources.UserMessages),
        _ => false,
    };

    /// <summary>Image ids plus the begin/end pair per temporal patch (the timestamp text is not counted: a lower bound).</summary>
    long VideoTokens(GridThw g) => ImageTokens(g) + 2L * g.T;

    long ImageTokens(GridThw g) => (long)g.T * g.H * g.W / (_config.Vision.SpatialMergeSize * _config.Vision.SpatialMergeSize);

    /// <summary>
    /// Refuses a resize target before any pixel is resized to it: larger than the decoded-pixel limit, or more tokens
    /// than the context has room for after <paramref name="tokensBefore"/>.
    /// </summary>
    void Admit(bool video, int frames, int height, int width, (int Height, int Width) target, PixelBudget budget, long tokensBefore)
    {
        string what = video ? "video" : "image";
        long pixels = (long)target.Height * target.Width;
        if (pixels > _options.MaxDecodedImagePixels)
            throw new InvalidModelInputException(
                $"{budget.Describe()} would resize the {width}x{height} {what} to {target.Width}x{target.Height} = {pixels:N0} pixels per frame, " +
                $"above ProcessorOptions.{nameof(ProcessorOptions.MaxDecodedImagePixels)} ({_options.MaxDecodedImagePixels:N0}): lower the pixel budget.");
        var c = video ? Images.Video.Pixels : Images.Config;
        int t = (frames + c.TemporalPatchSize - 1) / c.TemporalPatchSize * c.TemporalPatchSize;
        var grid = GridThw.FromResized(t, target.Height, target.Width, c.PatchSize, c.TemporalPatchSize);
        long total = tokensBefore + (video ? VideoTokens(grid) : ImageTokens(grid));
        if (total >= ContextTokens)
            throw new ContextLengthExceededException((int)Math.Min(total, int.MaxValue), 0, ContextTokens, promptTokensAtLeast: true);
    }

    async Task<PixelPatches> ProcessImageAsync(AIContent content, PixelBudget budget, long tokensBefore, CancellationToken ct)
    {
        var bytes = await _loader.LoadAsync(content, ct).ConfigureAwait(false);
        var (width, height) = ImageDecoder.ReadSize(bytes.Data.Span, _options.MaxDecodedImagePixels, bytes.MediaType);
        Admit(false, Images.Config.TemporalPatchSize, height, width, Images.TargetSize(height, width, budget.Min, budget.Max), budget, tokensBefore);
        var image = ImageDecoder.Decode(bytes.Data.Span, _options.MaxDecodedImagePixels, bytes.MediaType);
        return Images.Process(image, budget.Min, budget.Max);
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

    async Task<(PixelPatches Patches, IReadOnlyList<double> Seconds)> ProcessVideoAsync(AIContent content, PixelBudget budget, long tokensBefore, CancellationToken ct)
    {
        // The size is checked twice before resizing: from headers or the probe before decoding, then from the frames.
        void Check(int frames, int height, int width)
        {
            frames = Math.Max(frames, Images.Video.Pixels.TemporalPatchSize); // a one-frame video is paired with itself
            Admit(true, frames, height, width, Images.VideoTargetSize(frames, height, width, budget.Min, budget.Max), budget, tokensBefore);
        }

        List<RgbImage> frames;
        IReadOnlyList<double> seconds;
        if (content is VideoFramesContent given)
        {
            var encoded = new List<MediaBytes>();
            foreach (var f in given.Frames) encoded.Add(await _loader.LoadAsync(f, ct).ConfigureAwait(false));
            var (w, h) = ImageDecoder.ReadSize(encoded[0].Data.Span, _options.MaxDecodedImagePixels, encoded[0].MediaType);
            Check(encoded.Count, h, w);
            frames = encoded.Select(b => ImageDecoder.Decode(b.Data.Span, _options.MaxDecodedImagePixels, b.MediaType)).ToList();
            seconds = Enumerable.Range(0, frames.Count).Select(i => i / given.FramesPerSecond).ToList();
        }
        else
        {
            (frames, seconds) = await DecodeVideoAsync(content, Check, ct).ConfigureAwait(false);
        }
        if (frames.Count == 1)
        {
            // A one-frame video is a still: pair the frame with itself so it forms one temporal patch.
            frames.Add(frames[0]);
            seconds = [seconds[0], seconds[0]];
        }
        Check(frames.Count, frames[0].Height, frames[0].Width);
        var patches = Images.ProcessVideo(frames, budget.Min, budget.Max);
        return (patches, seconds);
    }

    async Task<(List<RgbImage>, IReadOnlyList<double>)> DecodeVideoAsync(AIContent content, Action<int, int, int> check, CancellationToken ct)
    {
        var (decoded, seconds) = await VideoDecoder.DecodeSampledAsync(content, _loader, VideoSampling, ct, check).ConfigureAwait(false);
        return (decoded.Select(f => new RgbImage(f.Width, f.Height, f.Rgb)).ToList(), seconds);
    }

    static async Task<T> LocatedAsync<T>(ConversationMedia media, Func<Task<T>> f)
    {
        try { return await f().ConfigureAwait(false); }
        catch (InvalidMediaException e) when (e.MessageIndex is null) { throw e.At(media.SourceMessageIndex, media.SourceContentIndex); }
    }
}
