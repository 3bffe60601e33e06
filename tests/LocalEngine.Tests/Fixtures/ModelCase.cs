using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests.Fixtures;

/// <summary>One model case: <c>models/&lt;dir&gt;/cases/&lt;case&gt;.safetensors</c> + <c>.json</c>.</summary>
public sealed class ModelCase : IDisposable
{
    readonly SafetensorsFile _file;

    ModelCase(string id, string modelDir, string caseName, SafetensorsFile file, JsonObject json)
    {
        Id = id;
        ModelDir = modelDir;
        Name = caseName;
        _file = file;
        Json = json;
    }

    public string Id { get; }
    public string ModelDir { get; }
    public string Name { get; }
    public JsonObject Json { get; }
    public bool Has(string tensor) => _file.Contains(tensor);

    /// <summary>A fresh copy of a stored tensor (safe to keep after the case is disposed).</summary>
    public Tensor Tensor(string name)
    {
        using var view = _file.Read(name);
        return view.clone();
    }

    public long[,] Long2D(string name)
    {
        using var t = Tensor(name);
        var flat = t.data<long>().ToArray();
        long r = t.shape[0], c = t.shape[1];
        var a = new long[r, c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = flat[i * c + j];
        return a;
    }

    public IReadOnlyList<GridThw> Grids(string name)
    {
        if (!Has(name)) return [];
        var g = Long2D(name);
        return Enumerable.Range(0, g.GetLength(0)).Select(i => new GridThw((int)g[i, 0], (int)g[i, 1], (int)g[i, 2])).ToList();
    }

    /// <summary>(atol, rtol) from the case's tolerances object, else the README's table.</summary>
    public (double Atol, double Rtol) Tolerance(string name, double atol, double rtol)
    {
        if (Json["tolerances"] is JsonObject t && t[name] is JsonObject o)
            return (o["atol"]?.GetValue<double>() ?? atol, o["rtol"]?.GetValue<double>() ?? rtol);
        return (atol, rtol);
    }

    public ModelInputs Inputs()
    {
        var ids = Long2D("input_ids");
        var mask = Long2D("attention_mask");
        return new ModelInputs(ids, mask,
            Has("pixel_values") ? Tensor("pixel_values") : null, Grids("image_grid_thw"),
            Has("pixel_values_videos") ? Tensor("pixel_values_videos") : null, Grids("video_grid_thw"));
    }

    /// <summary>Every "dir/case" under models/ whose dir has a config.json and whose case has both files.</summary>
    public static IEnumerable<string> DiscoverIds()
    {
        string models = System.IO.Path.Combine(FixtureRoot.Require(), "models");
        if (!Directory.Exists(models)) yield break;
        foreach (var dir in Directory.GetDirectories(models).OrderBy(d => d, StringComparer.Ordinal))
        {
            if (!File.Exists(System.IO.Path.Combine(dir, "config.json"))) continue;
            string cases = System.IO.Path.Combine(dir, "cases");
            if (!Directory.Exists(cases)) continue;
            foreach (var st in Directory.GetFiles(cases, "*.safetensors").OrderBy(f => f, StringComparer.Ordinal))
            {
                string name = System.IO.Path.GetFileNameWithoutExtension(st);
                if (File.Exists(System.IO.Path.Combine(cases, name + ".json")))
                    yield return $"{System.IO.Path.GetFileName(dir)}/{name}";
            }
        }
    }

    public static ModelCase Open(string id)
    {
        var parts = id.Split('/');
        string modelDir = System.IO.Path.Combine(FixtureRoot.Require(), "models", parts[0]);
        string basePath = System.IO.Path.Combine(modelDir, "cases", parts[1]);
        var json = JsonNode.Parse(File.ReadAllText(basePath + ".json")) as JsonObject ?? throw new InvalidDataException(basePath + ".json");
        return new ModelCase(id, modelDir, parts[1], SafetensorsFile.Open(basePath + ".safetensors"), json);
    }

    public void Dispose() => _file.Dispose();
}
