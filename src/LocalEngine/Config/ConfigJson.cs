using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glm4vSK.LocalEngine;

/// <summary>Typed reads from a config JSON object that name the file and field on every failure.</summary>
internal sealed class ConfigJson
{
    readonly JsonObject _obj;
    readonly string _path;

    public ConfigJson(string file, JsonObject obj, string path = "")
    {
        File = file;
        _obj = obj;
        _path = path;
    }

    public string File { get; }
    public JsonObject Raw => _obj;

    public static ConfigJson Load(string path)
    {
        string name = System.IO.Path.GetFileName(path);
        if (!System.IO.File.Exists(path))
            throw new ModelConfigException(name, null, $"file not found at '{path}'.");
        return ParseText(name, System.IO.File.ReadAllText(path));
    }

    /// <summary>Parses the text of a config file named <paramref name="file"/> (comments and trailing commas allowed).</summary>
    public static ConfigJson ParseText(string file, string json)
    {
        try
        {
            var node = JsonNode.Parse(json,
                documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return node is JsonObject o ? new ConfigJson(file, o) : throw new ModelConfigException(file, null, "the top level is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ModelConfigException(file, null, $"invalid JSON: {e.Message}", e);
        }
    }

    public string FieldPath(string key) => _path.Length == 0 ? key : _path + "." + key;

    public bool Has(string key) => _obj.TryGetPropertyValue(key, out var v) && v is not null;

    public ConfigJson? Object(string key)
    {
        if (!_obj.TryGetPropertyValue(key, out var v) || v is null) return null;
        return v is JsonObject o ? new ConfigJson(File, o, FieldPath(key)) : throw Error(key, "expected a JSON object.");
    }

    public ModelConfigException Error(string key, string message) => new(File, FieldPath(key), message);

    public int? OptInt(string key)
    {
        if (!_obj.TryGetPropertyValue(key, out var v) || v is null) return null;
        try { return v.GetValue<int>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            try
            {
                double d = v.GetValue<double>();
                if (d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue) return (int)d;
            }
            catch (Exception e2) when (e2 is FormatException or InvalidOperationException) { }
            throw Error(key, $"expected an integer, found {v.ToJsonString()}.");
        }
    }

    public int Int(string key, int? fallback = null) =>
        OptInt(key) ?? fallback ?? throw Error(key, "required field is missing.");

    public int PositiveInt(string key, int? fallback = null)
    {
        int v = Int(key, fallback);
        return v > 0 ? v : throw Error(key, $"must be positive, found {v}.");
    }

    public int NonNegativeInt(string key, int? fallback = null)
    {
        int v = Int(key, fallback);
        return v >= 0 ? v : throw Error(key, $"must be 0 or more, found {v}.");
    }

    public double? OptDouble(string key)
    {
        if (!_obj.TryGetPropertyValue(key, out var v) || v is null) return null;
        try { return v.GetValue<double>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Error(key, $"expected a number, found {v.ToJsonString()}.");
        }
    }

    public double Double(string key, double? fallback = null) =>
        OptDouble(key) ?? fallback ?? throw Error(key, "required field is missing.");

    public bool? OptBool(string key)
    {
        if (!_obj.TryGetPropertyValue(key, out var v) || v is null) return null;
        try { return v.GetValue<bool>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Error(key, $"expected true or false, found {v.ToJsonString()}.");
        }
    }

    public string? OptString(string key)
    {
        if (!_obj.TryGetPropertyValue(key, out var v) || v is null) return null;
        try { return v.GetValue<string>(); }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw Error(key, $"expected a string, found {v.ToJsonString()}.");
        }
    }

    /// <summary>An integer or a list of integers (as <c>eos_token_id</c> is written); null when absent.</summary>
    public int[]? OptIntList(string key)
    {
        if (!_obj.TryGetPropertyValue(key, out var v) || v is null) return null;
        if (v is JsonArray a)
        {
            var r = new int[a.Count];
            for (int i = 0; i < a.Count; i++)
            {
                try { r[i] = a[i]!.GetValue<int>(); }
                catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException)
                {
                    throw Error(key, $"element {i} is not an integer.");
                }
            }
            return r;
        }
        return [OptInt(key)!.Value];
    }

    public double[]? OptDoubleList(string key)
    {
        if (!_obj.TryGetPropertyValue(key, out var v) || v is null) return null;
        if (v is not JsonArray a) throw Error(key, "expected a list of numbers.");
        var r = new double[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            try { r[i] = a[i]!.GetValue<double>(); }
            catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException)
            {
                throw Error(key, $"element {i} is not a number.");
            }
        }
        return r;
    }
}
