using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// GLM-4V image and video preprocessing (transformers' <c>Glm4vImageProcessorFast</c> / <c>Glm4vVideoProcessor</c> on CPU):
/// <see cref="SmartResize"/> → antialiased bicubic uint8 resize (<see cref="AntialiasedBicubic"/>) → fused rescale and
/// normalise in float32 → temporal grouping → 2×2-merge-block patch rows. Results are CPU float32 tensors.
/// </summary>
public sealed class ImageProcessor
{
    public ImageProcessor(PreprocessorConfig? config = null, VideoPreprocessorConfig? video = null)
    {
        Config = config ?? PreprocessorConfig.Default;
        Video = video ?? VideoPreprocessorConfig.Default;
    }

    /// <summary>Image settings.</summary>
    public PreprocessorConfig Config { get; }
    /// <summary>Video settings (its <see cref="VideoPreprocessorConfig.Pixels"/> are used for video frames).</summary>
    public VideoPreprocessorConfig Video { get; }

    /// <summary>A processor with the settings of a model directory (<see cref="PreprocessorConfig.Load"/>, <see cref="VideoPreprocessorConfig.Load"/>).</summary>
    public static ImageProcessor Load(string modelDir) => new(PreprocessorConfig.Load(modelDir), VideoPreprocessorConfig.Load(modelDir));

    /// <summary>The resized (height, width) of an image; optional per-request pixel limits replace the configured ones.</summary>
    /// <exception cref="InvalidMediaException">the image is too elongated (above 200:1).</exception>
    public (int Height, int Width) TargetSize(int height, int width, long? minPixels = null, long? maxPixels = null) =>
        Target(Config, Config.TemporalPatchSize, height, width, minPixels, maxPixels);

    /// <summary>The resized (height, width) shared by the frames of a video of <paramref name="frameCount"/> frames.</summary>
    /// <exception cref="InvalidMediaException">fewer frames than the temporal patch size, or too elongated.</exception>
    public (int Height, int Width) VideoTargetSize(int frameCount, int height, int width, long? minPixels = null, long? maxPixels = null) =>
        Target(Video.Pixels, frameCount, height, width, minPixels, maxPixels);

    /// <summary>The image resized as the model sees it: uint8 [3, H', W'] (the caller owns it).</summary>
    public Tensor Resize(RgbImage image, long? minPixels = null, long? maxPixels = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (h, w) = TargetSize(image.Height, image.Width, minPixels, maxPixels);
        using var scope = NewDisposeScope();
        return AntialiasedBicubic.Resize(image.ToTensor(), h, w).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One image → <c>pixel_values</c> rows [H'/14 · W'/14, 1176] and grid (1, H'/14, W'/14). The frame is repeated
    /// temporal-patch-size times.
    /// </summary>
    /// <param name="minPixels">per-request <c>size.shortest_edge</c> (pixel budget with the temporal factor), or null.</param>
    /// <param name="maxPixels">per-request <c>size.longest_edge</c>, or null.</param>
    /// <exception cref="InvalidMediaException">the image is too elongated.</exception>
    public PixelPatches Process(RgbImage image, long? minPixels = null, long? maxPixels = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        var result = ProcessResized(Resize(image, minPixels, maxPixels));
        result.PixelValues.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>
    /// The steps after the resize, for an image already resized to its target size (uint8 [3, H', W'], both sides
    /// multiples of patch × merge): normalise, repeat on T, patchify.
    /// </summary>
    internal PixelPatches ProcessResized(Tensor resized)
    {
        var c = Config;
        int h = (int)resized.shape[1], w = (int)resized.shape[2];
        using var scope = NewDisposeScope();
        var frame = Normalize(c, resized);                                       // [3, h, w] f32
        var frames = frame.unsqueeze(0).expand(c.TemporalPatchSize, -1, -1, -1); // [T, 3, h, w]
        var rows = Patchify.Rows(frames, c.PatchSize, c.TemporalPatchSize, c.MergeSize);
        var grid = GridThw.FromResized(c.TemporalPatchSize, h, w, c.PatchSize, c.TemporalPatchSize);
        return new PixelPatches(rows.MoveToOuterDisposeScope(), [grid]);
    }

    /// <summary>Several images, rows concatenated in order, one grid each.</summary>
    public PixelPatches ProcessImages(IReadOnlyList<RgbImage> images, long? minPixels = null, long? maxPixels = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var parts = new List<PixelPatches>(images.Count);
        try
        {
            foreach (var image in images) parts.Add(Process(image, minPixels, maxPixels));
            return PixelPatches.Concat(parts);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>
    /// One video given as its (already sampled) frames → <c>pixel_values_videos</c> rows and grid
    /// (⌈frames/2⌉, H'/14, W'/14). All frames share one <see cref="SmartResize"/> with num_frames = the frame count
    /// and the video pixel budget; an odd count is padded by repeating the last frame; consecutive frames pair up.
    /// </summary>
    /// <exception cref="InvalidMediaException">no frames, fewer than the temporal patch size, frames of different
    /// sizes, or too elongated.</exception>
    public PixelPatches ProcessVideo(IReadOnlyList<RgbImage> frames, long? minPixels = null, long? maxPixels = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var c = Video.Pixels;
        if (frames.Count == 0) throw new InvalidMediaException("the video has no frames.");
        int width = frames[0].Width, height = frames[0].Height;
        for (int i = 1; i < frames.Count; i++)
            if (frames[i].Width != width || frames[i].Height != height)
                throw new InvalidMediaException($"video frame {i} is {frames[i].Width}x{frames[i].Height}, frame 0 is {width}x{height}.");
        var (h, w) = VideoTargetSize(frames.Count, height, width, minPixels, maxPixels);

        using var scope = NewDisposeScope();
        // Resize each frame (uint8), pad by repeating the last, then normalise and patchify the whole clip at once.
        var frameList = new List<Tensor>(frames.Count);
        foreach (var f in frames)
        {
            using var inner = NewDisposeScope();
            frameList.Add(AntialiasedBicubic.Resize(f.ToTensor(), h, w).MoveToOuterDisposeScope());
        }
        int t = c.TemporalPatchSize;
        while (frameList.Count % t != 0) frameList.Add(frameList[^1]);
        var clip = stack(frameList, 0);                                          // [F, 3, h, w] uint8
        foreach (var f in frameList) f.Dispose();
        var rows = Patchify.Rows(Normalize(c, clip), c.PatchSize, t, c.MergeSize);
        var grid = GridThw.FromResized(frameList.Count, h, w, c.PatchSize, t);
        return new PixelPatches(rows.MoveToOuterDisposeScope(), [grid]);
    }

    static (int Height, int Width) Target(PreprocessorConfig c, int numFrames, int height, int width, long? minPixels, long? maxPixels)
    {
        if (minPixels is <= 0) throw new ArgumentOutOfRangeException(nameof(minPixels), minPixels, "must be positive.");
        if (maxPixels is <= 0) throw new ArgumentOutOfRangeException(nameof(maxPixels), maxPixels, "must be positive.");
        if (c.DoResize)
            return SmartResize.Compute(numFrames, height, width, c.Factor, minPixels ?? c.MinPixels, maxPixels ?? c.MaxPixels, c.TemporalPatchSize);
        if (height % c.Factor != 0 || width % c.Factor != 0)
            throw new InvalidMediaException($"with do_resize off, both sides must be multiples of {c.Factor}; the image is {width}x{height}.");
        return (height, width);
    }

    /// <summary>uint8 [3, H, W] or [F, 3, H, W] → float32, rescaled and normalised (fused as transformers' fast processors do).</summary>
    static Tensor Normalize(PreprocessorConfig c, Tensor uint8)
    {
        using var scope = NewDisposeScope();
        var x = uint8.to_type(ScalarType.Float32);
        if (c.DoNormalize)
        {
            // m = float32(mean) · (1 / rescale_factor), in float32 (the fused rescale + normalise).
            float k = c.DoRescale ? (float)(1.0 / c.RescaleFactor) : 1f;
            var m = new float[3];
            var s = new float[3];
            for (int i = 0; i < 3; i++)
            {
                m[i] = (float)c.ImageMean[i] * k;
                s[i] = (float)c.ImageStd[i] * k;
            }
            x = x.sub(tensor(m).view(3, 1, 1)).div(tensor(s).view(3, 1, 1));
        }
        else if (c.DoRescale)
        {
            x = x.mul((float)c.RescaleFactor);
        }
        return x.MoveToOuterDisposeScope();
    }
}
