using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// A video given as frames that are already sampled (images, in order), for callers that decode video themselves.
/// <see cref="FramesPerSecond"/> is the rate the frames were taken at; it sets the timestamps the model is shown.
/// An odd number of frames is padded by repeating the last one (frames are paired into temporal patches).
/// </summary>
public sealed class VideoFramesContent : AIContent
{
    public VideoFramesContent(IReadOnlyList<AIContent> frames, double framesPerSecond = 2)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new InvalidMediaException("a video needs at least one frame.", mediaType: "video");
        if (frames.Any(f => f is not (DataContent or UriContent)))
            throw new ArgumentException("Every frame must be a DataContent or UriContent image.", nameof(frames));
        if (!(framesPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(framesPerSecond), "must be positive.");
        Frames = frames;
        FramesPerSecond = framesPerSecond;
    }

    public IReadOnlyList<AIContent> Frames { get; }
    public double FramesPerSecond { get; }
}
