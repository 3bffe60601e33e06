using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>One entry of a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, string DType, ScalarType ScalarType, long[] Shape, long Begin, long End);

/// <summary>
/// A safetensors file, memory-mapped: tensors are zero-copy views of a private (copy-on-write) mapping of the file,
/// so a checkpoint needs no second copy in RAM. The header is validated up front (entries against the file size, the
/// tensors tiling the data section exactly), so a truncated or malformed shard fails at open time naming the file and
/// the tensor at fault.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    const long MaxHeaderBytes = 100L * 1024 * 1024;
    readonly Dictionary<string, SafetensorsEntry> _entries;
    readonly Dictionary<ScalarType, Tensor> _mappings = new();
    readonly long _dataStart;
    bool _disposed;

    SafetensorsFile(string path, long fileLength, long dataStart, Dictionary<string, SafetensorsEntry> entries,
        IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        FileLength = fileLength;
        _dataStart = dataStart;
        _entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }
    public long FileLength { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyCollection<SafetensorsEntry> Entries => _entries.Values;
    public bool Contains(string name) => _entries.ContainsKey(name);
    public SafetensorsEntry Entry(string name) => _entries.TryGetValue(name, out var e) ? e
        : throw new CheckpointException($"Tensor '{name}' is not in '{Path}'.", Path, name);

    /// <summary>Opens and validates the header; no tensor data is read.</summary>
    public static SafetensorsFile Open(string path)
    {
        string name = System.IO.Path.GetFileName(path);
        if (!File.Exists(path)) throw new CheckpointException($"Checkpoint file '{path}' does not exist.", path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long len = fs.Length;
        if (len < 8) throw new CheckpointException($"'{name}' is truncated or not a safetensors file: {len} bytes, no header.", path);
        Span<byte> lenBytes = stackalloc byte[8];
        fs.ReadExactly(lenBytes);
        long headerLen = BitConverter.ToInt64(lenBytes);
        if (headerLen <= 0 || headerLen > MaxHeaderBytes || 8 + headerLen > len)
            throw new CheckpointException($"'{name}' is truncated or not a safetensors file: header length {headerLen} does not fit the file ({len} bytes).", path);
        var header = new byte[headerLen];
        fs.ReadExactly(header);
        long dataStart = 8 + headerLen;
        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>();
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw new CheckpointException($"'{name}' has a corrupt safetensors header: {e.Message}", path, inner: e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"'{name}' has a corrupt safetensors header (not a JSON object).", path);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    if (p.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in p.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                if (entries.ContainsKey(p.Name))
                    throw new CheckpointException($"'{name}': tensor '{p.Name}' appears twice in the header.", path, p.Name);
                entries[p.Name] = ParseEntry(name, path, p.Name, p.Value, len - dataStart);
            }
        }
        CheckTiling(name, path, entries.Values, len - dataStart);
        return new SafetensorsFile(path, len, dataStart, entries, metadata);
    }

    /// <summary>
    /// The format requires the tensors to tile the data section exactly (in any header order): an overlap would let two
    /// tensors alias one buffer, and a hole or trailing bytes would carry data no tensor owns (a polyglot file).
    /// </summary>
    static void CheckTiling(string fileName, string path, IEnumerable<SafetensorsEntry> entries, long dataBytes)
    {
        long at = 0;
        SafetensorsEntry? previous = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < at)
                throw new CheckpointException($"'{fileName}': tensor '{e.Name}' (data bytes {e.Begin}–{e.End}) overlaps tensor '{previous!.Name}' (bytes {previous.Begin}–{previous.End}); safetensors tensors may not share bytes.", path, e.Name);
            if (e.Begin > at)
                throw new CheckpointException(previous is null
                    ? $"'{fileName}': data bytes 0–{e.Begin} before tensor '{e.Name}' belong to no tensor; safetensors data may not have holes."
                    : $"'{fileName}': data bytes {at}–{e.Begin} between tensor '{previous.Name}' and tensor '{e.Name}' belong to no tensor; safetensors data may not have holes.", path, e.Name);
            at = e.End;
            previous = e;
        }
        if (at != dataBytes)
            throw new CheckpointException($"'{fileName}': the data section has {dataBytes} bytes but its tensors end at byte {at}" +
                (previous is null ? " (it has no tensors)" : $" (the last is '{previous.Name}')") + "; safetensors data may not have trailing bytes.", path, previous?.Name);
    }

    static SafetensorsEntry ParseEntry(string fileName, string path, string tensor, JsonElement e, long dataBytes)
    {
        try
        {
            string dtype = e.GetProperty("dtype").GetString() ?? "";
            if (!SafetensorsDType.TryParse(dtype, out var st, out int size))
                throw new CheckpointException(dtype.StartsWith("F8", StringComparison.Ordinal)
                    ? $"'{fileName}': tensor '{tensor}' is stored as {dtype}: FP8 checkpoints are not supported yet — use the BF16 checkpoint."
                    : $"'{fileName}': tensor '{tensor}' has unsupported dtype '{dtype}'.", path, tensor);
            long[] shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var offs = e.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            if (offs.Length != 2 || shape.Any(d => d < 0))
                throw new CheckpointException($"'{fileName}': tensor '{tensor}' has a malformed header entry.", path, tensor);
            long numel = shape.Aggregate(1L, (a, b) => checked(a * b)); // a wrapped product could "match" any range
            if (offs[0] < 0 || offs[1] < offs[0] || offs[1] - offs[0] != checked(numel * size))
                throw new CheckpointException($"'{fileName}': tensor '{tensor}' declares {offs[1] - offs[0]} bytes but its shape [{string.Join(", ", shape)}] of {dtype} needs {numel * size}.", path, tensor);
            if (offs[1] > dataBytes)
                throw new CheckpointException($"'{fileName}' is truncated: tensor '{tensor}' ends at byte {offs[1]} of the data section, which has only {dataBytes} bytes.", path, tensor);
            return new SafetensorsEntry(tensor, dtype, st, shape, offs[0], offs[1]);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new CheckpointException($"'{fileName}': tensor '{tensor}' has a malformed header entry.", path, tensor, ex);
        }
    }

    /// <summary>
    /// The tensor as a zero-copy CPU view of the mapped file (its dtype as stored). The view is read-only by contract:
    /// writing to it would silently create copy-on-write pages. Returned tensors are not in any dispose scope.
    /// </summary>
    public Tensor Read(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var e = Entry(name);
        int size = ElementSize(e.ScalarType);
        long byteOffset = _dataStart + e.Begin;
        long numel = (e.End - e.Begin) / size;
        using var scope = NewDisposeScope();
        Tensor result;
        if (byteOffset % size == 0)
        {
            var map = Mapping(e.ScalarType, size);
            result = map.narrow(0, byteOffset / size, numel).view(e.Shape);
        }
        else
        {
            // Unaligned data (a non-standard writer): one copy, read straight into a new tensor.
            result = empty(e.Shape, e.ScalarType);
            using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var span = result.bytes;
            int read = 0;
            while (read < span.Length)
            {
                int n = RandomAccess.Read(handle, span[read..], byteOffset + read);
                if (n <= 0) throw new CheckpointException($"'{Path}' ended while reading tensor '{name}'.", Path, name);
                read += n;
            }
        }
        return result.DetachFromDisposeScope();
    }

    Tensor Mapping(ScalarType type, int size)
    {
        if (_mappings.TryGetValue(type, out var t)) return t;
        t = torch.from_file(Path, shared: false, size: FileLength / size, dtype: type);
        t.DetachFromDisposeScope();
        _mappings[type] = t;
        return t;
    }

    static int ElementSize(ScalarType t) => t switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var m in _mappings.Values) m.Dispose();
        _mappings.Clear();
    }
}
