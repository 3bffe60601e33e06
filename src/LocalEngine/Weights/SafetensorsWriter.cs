using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine;

/// <summary>Writes tensors in the safetensors format (header padded to 8 bytes, <c>__metadata__ = {"format": "pt"}</c>).</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var list = tensors.ToList();
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        long offset = 0;
        var blobs = new List<byte[]>();
        foreach (var (name, t) in list)
        {
            using var c = t.cpu().contiguous();
            byte[] data = c.bytes.ToArray();
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = SafetensorsDType.Name(c.dtype),
                ["shape"] = c.shape,
                ["data_offsets"] = new[] { offset, offset + data.Length },
            };
            offset += data.Length;
            blobs.Add(data);
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int pad = (8 - json.Length % 8) % 8;
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);
        fs.Write(BitConverter.GetBytes((long)(json.Length + pad)));
        fs.Write(json);
        for (int i = 0; i < pad; i++) fs.WriteByte((byte)' ');
        foreach (var b in blobs) fs.Write(b);
    }

    /// <summary>Writes a sharded checkpoint (<c>model-0000k-of-0000n.safetensors</c> + <c>model.safetensors.index.json</c>).</summary>
    public static void WriteSharded(string dir, IReadOnlyList<IReadOnlyList<KeyValuePair<string, Tensor>>> shards)
    {
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long total = 0;
        for (int i = 0; i < shards.Count; i++)
        {
            string file = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            Write(Path.Combine(dir, file), shards[i]);
            foreach (var (name, t) in shards[i])
            {
                weightMap[name] = file;
                total += t.NumberOfElements * t.ElementSize;
            }
        }
        var index = new { metadata = new { total_size = total }, weight_map = weightMap };
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"),
            JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }), Encoding.UTF8);
    }
}
