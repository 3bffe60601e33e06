namespace Glm4vSK.LocalEngine.Processing;

/// <summary>Which processor's frame sampling and timestamp text a checkpoint uses.</summary>
public enum VideoSamplingRule
{
    /// <summary>GLM-4.1V / GLM-4.5V (<c>Glm4vVideoProcessor</c>): 2 fps up to 300 s, else 600 frames; timestamps as whole seconds ("3").</summary>
    Glm4v,
    /// <summary>GLM-4.6V family (<c>Glm46VVideoProcessor</c>): dynamic fps (3 / 1 / 0.5), at most 640 frames; timestamps "3.0 seconds".</summary>
    Glm46v,
}

/// <summary>What a video file holds, as ffprobe reports it.</summary>
public sealed record VideoMetadata(double DurationSeconds, double Fps, int TotalFrames, int Width, int Height)
{
    /// <summary>The container's index of the stream described (decoding reads that one), or -1 for the first video stream.</summary>
    public int StreamIndex { get; init; } = -1;
}

/// <summary>The frames chosen from a video and the timestamp (seconds) of each.</summary>
public sealed record SampledFrames(IReadOnlyList<int> Indices, IReadOnlyList<double> Seconds);
