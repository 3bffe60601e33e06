using System.Text.Json.Nodes;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// The image processor settings of a checkpoint (<c>preprocessor_config.json</c>, <c>Glm4vImageProcessor</c>):
/// the pixel budget of <see cref="SmartResize"/>, the patch geometry, and the normalisation. Absent fields take the
/// <c>Glm4vImageProcessor</c> class defaults; <see cref="Default"/> is that default configuration.
/// </summary>
public sealed record PreprocessorConfig
{
    public const string FileName = "preprocessor_config.json";
    /// <summary>transformers v5 may save all processor settings, nested, in this file instead.</summary>
    public const string ProcessorFileName = "processor_config.json";

    /// <summary>OpenAI CLIP mean, the <c>Glm4vImageProcessor</c> default.</summary>
    public static readonly IReadOnlyList<double> ClipMean = [0.48145466, 0.4578275, 0.40821073];
    /// <summary>OpenAI CLIP standard deviation, the <c>Glm4vImageProcessor</c> default.</summary>
    public static readonly IReadOnlyList<double> ClipStd = [0.26862954, 0.26130258, 0.27577711];

    /// <summary>The <c>Glm4vImageProcessor</c> class defaults (what the fixtures' <c>preprocessor_config.json</c> holds).</summary>
    public static PreprocessorConfig Default { get; } = new();

    /// <summary><c>size.shortest_edge</c> (legacy <c>min_pixels</c>): the smallest pixel budget, temporal factor included.</summary>
    public long MinPixels { get; init; } = 112 * 112;
    /// <summary><c>size.longest_edge</c> (legacy <c>max_pixels</c>): the largest pixel budget, temporal factor included.</summary>
    public long MaxPixels { get; init; } = 28 * 28 * 15000;
    public int PatchSize { get; init; } = 14;
    public int TemporalPatchSize { get; init; } = 2;
    public int MergeSize { get; init; } = 2;
    public IReadOnlyList<double> ImageMean { get; init; } = ClipMean;
    public IReadOnlyList<double> ImageStd { get; init; } = ClipStd;
    public double RescaleFactor { get; init; } = 1.0 / 255.0;
    public bool DoResize { get; init; } = true;
    public bool DoRescale { get; init; } = true;
    public bool DoNormalize { get; init; } = true;
    public bool DoConvertRgb { get; init; } = true;
    /// <summary>PIL resample code; only 3 (bicubic) is supported.</summary>
    public int Resample { get; init; } = 3;

    /// <summary>Side granularity of a resized image: patch size × merge size (28).</summary>
    public int Factor => PatchSize * MergeSize;
    /// <summary>Values per patch row: 3 channels × temporal patch × patch × patch (1176).</summary>
    public int PatchRowSize => 3 * TemporalPatchSize * PatchSize * PatchSize;

    /// <summary>
    /// Reads <c>preprocessor_config.json</c> from a model directory; else the <c>image_processor</c> object of
    /// <c>processor_config.json</c>; else the class defaults.
    /// </summary>
    public static PreprocessorConfig Load(string modelDir)
    {
        string path = Path.Combine(modelDir, FileName);
        if (File.Exists(path)) return Parse(ConfigJson.Load(path), Default);
        var nested = LoadNested(modelDir, "image_processor");
        return nested is null ? Default : Parse(nested, Default);
    }

    /// <summary>Parses the text of a <c>preprocessor_config.json</c>-style object; absent fields come from <paramref name="defaults"/>.</summary>
    public static PreprocessorConfig Parse(string json, string fileName = FileName, PreprocessorConfig? defaults = null) =>
        Parse(ConfigJson.ParseText(fileName, json), defaults ?? Default);

    internal static ConfigJson? LoadNested(string modelDir, string key)
    {
        string path = Path.Combine(modelDir, ProcessorFileName);
        if (!File.Exists(path)) return null;
        return ConfigJson.Load(path).Object(key);
    }

    internal static PreprocessorConfig Parse(ConfigJson j, PreprocessorConfig d)
    {
        long min = d.MinPixels, max = d.MaxPixels;
        if (j.Object("size") is { } size)
        {
            long? shortest = OptPositiveLong(size, "shortest_edge") ?? OptPositiveLong(size, "min_pixels");
            long? longest = OptPositiveLong(size, "longest_edge") ?? OptPositiveLong(size, "max_pixels");
            if (shortest is null || longest is null)
                throw j.Error("size", "must hold 'shortest_edge' and 'longest_edge' (the minimum and maximum pixel counts).");
            (min, max) = (shortest.Value, longest.Value);
        }
        min = OptPositiveLong(j, "min_pixels") ?? min;
        max = OptPositiveLong(j, "max_pixels") ?? max;

        var c = new PreprocessorConfig
        {
            MinPixels = min,
            MaxPixels = max,
            PatchSize = j.PositiveInt("patch_size", d.PatchSize),
            TemporalPatchSize = j.PositiveInt("temporal_patch_size", d.TemporalPatchSize),
            MergeSize = j.PositiveInt("merge_size", d.MergeSize),
            ImageMean = Triple(j, "image_mean", d.ImageMean, allowZero: true),
            ImageStd = Triple(j, "image_std", d.ImageStd, allowZero: false),
            RescaleFactor = j.Double("rescale_factor", d.RescaleFactor),
            DoResize = j.OptBool("do_resize") ?? d.DoResize,
            DoRescale = j.OptBool("do_rescale") ?? d.DoRescale,
            DoNormalize = j.OptBool("do_normalize") ?? d.DoNormalize,
            DoConvertRgb = j.OptBool("do_convert_rgb") ?? d.DoConvertRgb,
            Resample = j.Int("resample", d.Resample),
        };
        if (c.MinPixels > c.MaxPixels)
            throw j.Error("size", $"shortest_edge {c.MinPixels} is larger than longest_edge {c.MaxPixels}.");
        if (!(c.RescaleFactor > 0) || double.IsInfinity(c.RescaleFactor))
            throw j.Error("rescale_factor", $"must be a positive number, found {c.RescaleFactor}.");
        if (c.Resample != 3)
            throw j.Error("resample", $"only 3 (bicubic) is supported, found {c.Resample}.");
        return c;
    }

    static long? OptPositiveLong(ConfigJson j, string key)
    {
        double? v = j.OptDouble(key);
        if (v is null) return null;
        if (v.Value != Math.Floor(v.Value) || v.Value <= 0 || v.Value > long.MaxValue / 4)
            throw j.Error(key, $"must be a positive integer, found {j.Raw[key]!.ToJsonString()}.");
        return (long)v.Value;
    }

    static IReadOnlyList<double> Triple(ConfigJson j, string key, IReadOnlyList<double> fallback, bool allowZero)
    {
        if (!j.Has(key)) return fallback;
        double[] v = j.Raw[key] is JsonArray ? j.OptDoubleList(key)! : [.. Enumerable.Repeat(j.Double(key), 3)];
        if (v.Length != 3) throw j.Error(key, $"expected 3 values (R, G, B), found {v.Length}.");
        for (int i = 0; i < 3; i++)
        {
            if (!double.IsFinite(v[i])) throw j.Error(key, $"element {i} is not finite.");
            if (!allowZero && v[i] == 0) throw j.Error(key, $"element {i} is zero.");
        }
        return v;
    }
}
