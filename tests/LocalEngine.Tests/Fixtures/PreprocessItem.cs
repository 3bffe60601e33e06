using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Fixtures;

/// <summary>One preprocess item: <c>preprocess/&lt;name&gt;.png</c> + <c>.safetensors</c> + <c>.json</c>.</summary>
public sealed class PreprocessItem : IDisposable
{
    readonly SafetensorsFile _file;

    PreprocessItem(string name, string pngPath, SafetensorsFile file, JsonObject json)
    {
        Name = name;
        PngPath = pngPath;
        _file = file;
        Json = json;
    }

    public string Name { get; }
    public string PngPath { get; }
    public JsonObject Json { get; }
    public bool Has(string tensor) => _file.Contains(tensor);

    /// <summary>A fresh copy of a stored tensor.</summary>
    public Tensor Tensor(string name)
    {
        using var view = _file.Read(name);
        return view.clone();
    }

    /// <summary>The item's <c>processor</c> object as JSON text (preprocessor_config.json form).</summary>
    public string ProcessorJson =>
        (Json["processor"] as JsonObject ?? throw new InvalidDataException($"{Name}.json has no 'processor' object.")).ToJsonString();

    /// <summary>atol / rtol of a <c>tolerances</c> entry, else <paramref name="fallback"/>.</summary>
    public double Tolerance(string entry, string kind, double fallback) =>
        Json["tolerances"] is JsonObject t && t[entry] is JsonObject o && o[kind] is JsonValue v ? v.GetValue<double>() : fallback;

    /// <summary>Every item name under preprocess/ whose .png has both a .safetensors and a .json.</summary>
    public static IEnumerable<string> DiscoverNames()
    {
        string dir = Path.Combine(FixtureRoot.Require(), "preprocess");
        if (!Directory.Exists(dir)) yield break;
        foreach (var png in Directory.GetFiles(dir, "*.png").OrderBy(f => f, StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(png);
            if (File.Exists(Path.Combine(dir, name + ".safetensors")) && File.Exists(Path.Combine(dir, name + ".json")))
                yield return name;
        }
    }

    public static PreprocessItem Open(string name)
    {
        string basePath = Path.Combine(FixtureRoot.Require(), "preprocess", name);
        var json = JsonNode.Parse(File.ReadAllText(basePath + ".json")) as JsonObject ?? throw new InvalidDataException(basePath + ".json");
        return new PreprocessItem(name, basePath + ".png", SafetensorsFile.Open(basePath + ".safetensors"), json);
    }

    public void Dispose() => _file.Dispose();
}
