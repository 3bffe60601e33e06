using System.Text.Json;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>
/// The safetensors files of a Hugging Face model directory: a single <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c>. Tensors are read as zero-copy views of the memory-mapped files.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    public const string IndexFileName = "model.safetensors.index.json";
    public const string SingleFileName = "model.safetensors";
    readonly Dictionary<string, SafetensorsFile> _fileOf = new(StringComparer.Ordinal);
    readonly List<SafetensorsFile> _files = [];

    Checkpoint(string directory) => Directory = directory;

    public string Directory { get; }
    public IReadOnlyList<SafetensorsFile> Files => _files;
    public IEnumerable<string> TensorNames => _fileOf.Keys;
    public bool Contains(string name) => _fileOf.ContainsKey(name);
    public SafetensorsEntry Entry(string name) => FileOf(name).Entry(name);
    public Tensor Read(string name) => FileOf(name).Read(name);

    SafetensorsFile FileOf(string name) => _fileOf.TryGetValue(name, out var f) ? f
        : throw new CheckpointException($"Tensor '{name}' is not in the checkpoint at '{Directory}'.", tensor: name);

    /// <summary>A checkpoint with no tensors (used to list what a config needs).</summary>
    internal static Checkpoint Empty() => new("(empty)");

    public static Checkpoint Open(string directory)
    {
        var cp = new Checkpoint(directory);
        try
        {
            string index = Path.Combine(directory, IndexFileName);
            if (File.Exists(index)) cp.OpenSharded(index);
            else if (File.Exists(Path.Combine(directory, SingleFileName))) cp.Add(SafetensorsFile.Open(Path.Combine(directory, SingleFileName)));
            else
            {
                var any = System.IO.Directory.Exists(directory)
                    ? System.IO.Directory.GetFiles(directory, "*.safetensors").OrderBy(f => f, StringComparer.Ordinal).ToArray()
                    : [];
                if (any.Length == 0)
                    throw new CheckpointException($"No weights in '{directory}': expected {SingleFileName} or {IndexFileName} with its shards.", directory);
                foreach (var f in any) cp.Add(SafetensorsFile.Open(f));
            }
            return cp;
        }
        catch
        {
            cp.Dispose();
            throw;
        }
    }

    void OpenSharded(string indexPath)
    {
        Dictionary<string, string> weightMap;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(indexPath));
            weightMap = doc.RootElement.GetProperty("weight_map").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString() ?? throw new FormatException($"'{p.Name}' maps to null"), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"'{IndexFileName}' is malformed: {e.Message}", indexPath, inner: e);
        }
        var opened = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (var shard in weightMap.Values.Distinct(StringComparer.Ordinal).OrderBy(s => s, StringComparer.Ordinal))
        {
            string path = Path.Combine(Directory, shard);
            if (shard.Contains("..") || Path.IsPathRooted(shard))
                throw new CheckpointException($"'{IndexFileName}' names shard '{shard}' outside the model directory.", indexPath);
            if (!File.Exists(path))
                throw new CheckpointException($"Shard '{shard}' listed in '{IndexFileName}' is missing from '{Directory}'.", path);
            var f = SafetensorsFile.Open(path);
            opened[shard] = f;
            Add(f);
        }
        foreach (var (name, shard) in weightMap)
            if (!opened[shard].Contains(name))
                throw new CheckpointException($"'{IndexFileName}' places tensor '{name}' in '{shard}', but that shard does not contain it.", opened[shard].Path, name);
    }

    void Add(SafetensorsFile f)
    {
        _files.Add(f);
        foreach (var e in f.Entries)
        {
            if (_fileOf.TryGetValue(e.Name, out var other))
                throw new CheckpointException($"Tensor '{e.Name}' appears in both '{Path.GetFileName(other.Path)}' and '{Path.GetFileName(f.Path)}'.", f.Path, e.Name);
            _fileOf[e.Name] = f;
        }
    }

    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
        _files.Clear();
        _fileOf.Clear();
    }
}
