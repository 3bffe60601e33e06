using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>
/// Hands checkpoint tensors to the model classes by their checkpoint names, converted to the compute dtype and device,
/// and records what is missing, mis-shaped and left over, so one load reports every problem at once.
/// </summary>
internal sealed partial class WeightLoader
{
    readonly Checkpoint _checkpoint;
    readonly HashSet<string> _used = new(StringComparer.Ordinal);
    readonly List<(string Name, long[] Shape)> _missing = [];
    readonly List<string> _misShaped = [];
    readonly int _numHiddenLayers;
    readonly IProgress<ModelLoadProgress>? _progress;
    readonly int _total;
    readonly Func<long[], ScalarType, Tensor>? _synthesize;

    /// <param name="synthesize">makes the tensors the checkpoint lacks (benchmarks: random weights of a config, no file); null: meta placeholders, recorded as missing</param>
    public WeightLoader(Checkpoint checkpoint, ScalarType dtype, Device device, int numHiddenLayers, IProgress<ModelLoadProgress>? progress,
        Func<long[], ScalarType, Tensor>? synthesize = null)
    {
        _synthesize = synthesize;
        _checkpoint = checkpoint;
        DType = dtype;
        Device = device;
        _numHiddenLayers = numHiddenLayers;
        _progress = progress;
        _total = checkpoint.TensorNames.Count(n => !IsIgnorable(n));
    }

    public ScalarType DType { get; }
    public Device Device { get; }
    /// <summary>Every tensor asked for that the checkpoint lacks, with the shape the config implies.</summary>
    public IReadOnlyList<(string Name, long[] Shape)> MissingTensors => _missing;
    public bool HasErrors => _missing.Count > 0 || _misShaped.Count > 0;

    public bool Contains(string name) => _checkpoint.Contains(name);

    /// <summary>The tensor in the compute dtype (or <paramref name="keepDType"/>) on the compute device.</summary>
    public Tensor Take(string name, long[] shape, ScalarType? keepDType = null)
    {
        if (!_checkpoint.Contains(name))
        {
            if (_synthesize is not null) return _synthesize(shape, keepDType ?? DType).DetachFromDisposeScope();
            _missing.Add((name, shape));
            return Placeholder(shape, keepDType);
        }
        _used.Add(name);
        var e = _checkpoint.Entry(name);
        if (!e.Shape.SequenceEqual(shape))
        {
            _misShaped.Add($"{name}: expected [{string.Join(", ", shape)}], found [{string.Join(", ", e.Shape)}]");
            return Placeholder(shape, keepDType);
        }
        if (HasErrors) return Placeholder(shape, keepDType); // don't spend time converting a load that will fail
        var target = keepDType ?? DType;
        var view = _checkpoint.Read(name);
        Tensor result;
        if (view.dtype == target && Device.type == DeviceType.CPU) result = view; // zero-copy: stays a view of the mapping
        else
        {
            result = view.to(target, Device);
            result.DetachFromDisposeScope();
            view.Dispose();
        }
        _progress?.Report(new ModelLoadProgress(_used.Count, _total, name));
        return result;
    }

    public Tensor? TakeOptional(string name, long[] shape, ScalarType? keepDType = null) =>
        _checkpoint.Contains(name) ? Take(name, shape, keepDType) : null;

    Tensor Placeholder(long[] shape, ScalarType? keepDType)
    {
        var t = empty(shape, keepDType ?? DType, device: new Device(DeviceType.META));
        t.DetachFromDisposeScope();
        return t;
    }

    /// <summary>Throws one <see cref="CheckpointException"/> listing every missing, mis-shaped and unused tensor.</summary>
    public void ThrowIfInvalid(bool allowUnexpected)
    {
        var unexpected = _checkpoint.TensorNames.Where(n => !_used.Contains(n) && !IsIgnorable(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (!HasErrors && (allowUnexpected || unexpected.Count == 0)) return;
        var parts = new List<string>();
        var missing = _missing.Select(m => $"{m.Name} [{string.Join(", ", m.Shape)}]").ToList();
        if (missing.Count > 0) parts.Add($"missing {missing.Count} tensor(s): {Summarise(missing)}");
        if (_misShaped.Count > 0) parts.Add($"{_misShaped.Count} tensor(s) with the wrong shape: {Summarise(_misShaped)}");
        if (!allowUnexpected && unexpected.Count > 0) parts.Add($"{unexpected.Count} unexpected tensor(s): {Summarise(unexpected)}");
        // Missing holds bare tensor names (like Unexpected); the message adds the shape the config implies.
        throw new CheckpointException(
            $"The checkpoint at '{_checkpoint.Directory}' does not match its config.json: {string.Join("; ", parts)}.",
            _missing.Select(m => m.Name).ToList(), allowUnexpected ? [] : unexpected, _misShaped);
    }

    static string Summarise(List<string> items) =>
        string.Join(", ", items.Take(12)) + (items.Count > 12 ? $", … ({items.Count - 12} more)" : "");

    /// <summary>Non-persistent buffers some exports carry, and layers past num_hidden_layers (the MTP layer).</summary>
    bool IsIgnorable(string name)
    {
        if (name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal) || name.EndsWith(".position_ids", StringComparison.Ordinal)) return true;
        var m = LayerIndex().Match(name);
        return m.Success && int.Parse(m.Groups[1].Value) >= _numHiddenLayers;
    }

    [GeneratedRegex(@"^model\.language_model\.layers\.(\d+)\.")]
    private static partial Regex LayerIndex();
}

/// <summary>Loading progress: tensors placed so far, of the total, and the last one.</summary>
public readonly record struct ModelLoadProgress(int TensorsLoaded, int TensorsTotal, string LastTensor);
