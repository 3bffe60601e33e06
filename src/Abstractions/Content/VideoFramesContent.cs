using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// A video given as frames that are already sampled (images, in order), for callers that decode video themselves.
/// <see cref="FramesPerSecond"/> is the rate the frames were taken at; it sets the timestamps the model is shown.
/// An odd number of frames is padded by repeating the last one (frames are paired into temporal patches).
/// </summary>
public sealed class VideoFramesContent : AIContent
{
    /// <summary>Most frames one video may have (the checkpoints' own samplers take at most 640).</summary>
    public const int MaxFrames = 1024;
    /// <summary>Slowest rate accepted: one frame per 1000 s.</summary>
    public const double MinFramesPerSecond = 0.001;
    /// <summary>Fastest rate accepted.</summary>
    public const double MaxFramesPerSecond = 1000;

    public VideoFramesContent(IReadOnlyList<AIContent> frames, double framesPerSecond = 2)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new InvalidMediaException("a video needs at least one frame.", mediaType: "video");
        if (frames.Count > MaxFrames)
            throw new InvalidMediaException($"a video given as frames has {frames.Count} frames, more than {MaxFrames}: sample fewer frames.", mediaType: "video");
        if (frames.Any(f => f is not (DataContent or UriContent)))
            throw new ArgumentException("Every frame must be a DataContent or UriContent image.", nameof(frames));
        // The timestamps shown to the model are frame index / rate: a rate outside this range makes them meaningless or infinite.
        if (!(framesPerSecond >= MinFramesPerSecond && framesPerSecond <= MaxFramesPerSecond))
            throw new InvalidMediaException($"framesPerSecond is {framesPerSecond}: give the rate the frames were sampled at, between {MinFramesPerSecond} and {MaxFramesPerSecond}.", mediaType: "video");
        Frames = frames;
        FramesPerSecond = framesPerSecond;
    }

    public IReadOnlyList<AIContent> Frames { get; }
    public double FramesPerSecond { get; }
}
