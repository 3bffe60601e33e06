namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// The video processor settings of a checkpoint (<c>video_preprocessor_config.json</c>, <c>Glm4vVideoProcessor</c>):
/// the per-frame pixel settings (<see cref="Pixels"/>, whose budget covers the whole clip) and the frame sampling
/// settings. Absent fields take the <c>Glm4vVideoProcessor</c> class defaults (<see cref="Default"/>).
/// </summary>
public sealed record VideoPreprocessorConfig
{
    public const string FileName = "video_preprocessor_config.json";

    /// <summary><c>Glm4vVideoProcessor</c> default pixel budget: 28·28·2·30000 = 47,040,000 (frames included).</summary>
    public const long DefaultMaxPixels = 28L * 28 * 2 * 30000;

    public static VideoPreprocessorConfig Default { get; } = new();

    /// <summary>Resize, normalisation and patch settings; <c>MaxPixels</c> bounds frames × height × width of the clip.</summary>
    public PreprocessorConfig Pixels { get; init; } = PreprocessorConfig.Default with { MaxPixels = DefaultMaxPixels };
    /// <summary>Target sampling rate in frames per second (<c>fps</c>).</summary>
    public double Fps { get; init; } = 2;
    /// <summary>Longest duration sampled at <see cref="Fps"/>, in seconds (<c>max_duration</c>).</summary>
    public double MaxDurationSeconds { get; init; } = 300;
    /// <summary><c>num_frames</c> (unused by the default fps-based sampling).</summary>
    public int NumFrames { get; init; } = 16;
    public bool DoSampleFrames { get; init; } = true;

    /// <summary>
    /// Reads <c>video_preprocessor_config.json</c> from a model directory; else the <c>video_processor</c> object of
    /// <c>processor_config.json</c>; else the class defaults.
    /// </summary>
    public static VideoPreprocessorConfig Load(string modelDir)
    {
        string path = Path.Combine(modelDir, FileName);
        if (File.Exists(path)) return Parse(ConfigJson.Load(path));
        var nested = PreprocessorConfig.LoadNested(modelDir, "video_processor");
        return nested is null ? Default : Parse(nested);
    }

    /// <summary>Parses the text of a <c>video_preprocessor_config.json</c>-style object.</summary>
    public static VideoPreprocessorConfig Parse(string json, string fileName = FileName) => Parse(ConfigJson.ParseText(fileName, json));

    internal static VideoPreprocessorConfig Parse(ConfigJson j)
    {
        var d = Default;
        var c = new VideoPreprocessorConfig
        {
            Pixels = PreprocessorConfig.Parse(j, d.Pixels),
            Fps = j.Double("fps", d.Fps),
            MaxDurationSeconds = j.Double("max_duration", d.MaxDurationSeconds),
            NumFrames = j.PositiveInt("num_frames", d.NumFrames),
            DoSampleFrames = j.OptBool("do_sample_frames") ?? d.DoSampleFrames,
        };
        if (!(c.Fps > 0) || double.IsInfinity(c.Fps)) throw j.Error("fps", $"must be a positive number, found {c.Fps}.");
        if (!(c.MaxDurationSeconds > 0)) throw j.Error("max_duration", $"must be a positive number, found {c.MaxDurationSeconds}.");
        return c;
    }
}
