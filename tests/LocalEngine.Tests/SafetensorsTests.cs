using System.Text;
using System.Text.Json;
using Glm4vSK.LocalEngine.Tests.Support;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// <see cref="SafetensorsWriter"/> and <see cref="SafetensorsFile"/> round-trip every dtype the checkpoints use, write
/// the standard layout (8-byte padded header, format=pt metadata, contiguous data), and read files whose data is not
/// aligned to the element size.
/// </summary>
public sealed class SafetensorsTests
{
    static Tensor Sample(string dtype, long[] shape, int seed)
    {
        var g = new Generator((ulong)seed);
        var f = randn(shape, generator: g) * 3;
        return dtype switch
        {
            "F32" => f,
            "BF16" => f.to(ScalarType.BFloat16),
            "F16" => f.to(ScalarType.Float16),
            "F64" => f.to(ScalarType.Float64),
            "I64" => (f * 1e6).to(ScalarType.Int64) + (1L << 40),
            "I32" => (f * 1e6).to(ScalarType.Int32),
            "I16" => (f * 1e3).to(ScalarType.Int16),
            "I8" => f.clamp(-127, 127).to(ScalarType.Int8),
            "U8" => (f.abs() * 40).clamp(0, 255).to(ScalarType.Byte),
            "BOOL" => f.gt(0),
            _ => throw new ArgumentException(dtype),
        };
    }

    static void AssertSameTensor(string what, Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        using var ne = expected.ne(actual).any();
        Assert.False(ne.item<bool>(), $"{what}: values differ after the round trip.");
        Assert.True(expected.bytes.SequenceEqual(actual.contiguous().bytes), $"{what}: bytes differ after the round trip.");
    }

    [Theory]
    [InlineData("F32")]
    [InlineData("BF16")]
    [InlineData("F16")]
    [InlineData("I64")]
    [InlineData("U8")]
    [InlineData("F64")]
    [InlineData("I32")]
    [InlineData("I16")]
    [InlineData("I8")]
    [InlineData("BOOL")]
    public void Round_trip_keeps_dtype_shape_and_values(string dtype)
    {
        using var tmp = new TempDir();
        long[][] shapes = [[7], [3, 5], [2, 3, 2, 2], [], [0, 4], [1]];
        // Without a neighbour the data is aligned (zero-copy views); after a 3-byte U8 tensor it is not (copying path).
        foreach (bool oddNeighbour in new[] { false, true })
        {
            string path = tmp.Sub($"t{oddNeighbour}.safetensors");
            var tensors = shapes.Select((s, i) => new KeyValuePair<string, Tensor>($"t{i}.{dtype}", Sample(dtype, s, i))).ToList();
            if (oddNeighbour) tensors.Insert(0, new("odd.bytes", Sample("U8", [3], 99)));
            SafetensorsWriter.Write(path, tensors);

            using var file = SafetensorsFile.Open(path);
            Assert.Equal(tensors.Count, file.Entries.Count);
            foreach (var (name, expected) in tensors)
            {
                var entry = file.Entry(name);
                Assert.Equal(SafetensorsDType.Name(expected.dtype), entry.DType);
                Assert.Equal(expected.dtype, entry.ScalarType);
                Assert.Equal(expected.shape, entry.Shape);
                using var actual = file.Read(name);
                AssertSameTensor($"{name} (odd neighbour: {oddNeighbour})", expected, actual);
            }
            TestModels.DisposeAll(tensors);
        }
    }

    [Fact]
    public void Header_is_padded_to_8_bytes_with_spaces_and_carries_format_pt()
    {
        using var tmp = new TempDir();
        bool sawPadding = false;
        // Names of growing length move the JSON length through every residue mod 8.
        for (int len = 1; len <= 8; len++)
        {
            string path = tmp.Sub($"p{len}.safetensors");
            var tensors = new List<KeyValuePair<string, Tensor>>
            {
                new(new string('a', len), arange(6, ScalarType.Float32).view(2, 3)),
                new("b", tensor(new long[] { 1, -2, 3 })),
            };
            SafetensorsWriter.Write(path, tensors);
            var bytes = File.ReadAllBytes(path);
            long n = BitConverter.ToInt64(bytes, 0);
            Assert.Equal(0, n % 8);
            Assert.Equal(8 + n + 6 * 4 + 3 * 8, bytes.Length); // header + contiguous data, nothing else

            string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
            string json = header.TrimEnd(' ');
            sawPadding |= json.Length < header.Length;
            Assert.True(header.Length - json.Length < 8, "padding is shorter than 8 bytes");
            using var doc = JsonDocument.Parse(json);
            Assert.Equal("pt", doc.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
            var a = doc.RootElement.GetProperty(new string('a', len));
            Assert.Equal("F32", a.GetProperty("dtype").GetString());
            Assert.Equal([0L, 24L], a.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()));
            Assert.Equal([24L, 48L], doc.RootElement.GetProperty("b").GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()));

            using var file = SafetensorsFile.Open(path);
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.Equal(bytes.Length, file.FileLength);
            TestModels.DisposeAll(tensors);
        }
        Assert.True(sawPadding, "no case needed padding: the test did not exercise it");
    }

    [Fact]
    public void Unaligned_data_is_read_correctly()
    {
        // Hand-written file: header length 8k+3 (data starts at an odd byte), and tensors at odd data offsets.
        var f32 = new float[] { 1.5f, -2.25f, 3e-8f, float.MaxValue };
        var i64 = new long[] { long.MinValue, -1, 42, 1L << 50 };
        var bf16 = tensor(new float[] { 0.5f, -7f, 1024f }).to(ScalarType.BFloat16);
        var u8 = new byte[] { 9, 8, 7 };
        var data = new List<byte>();
        long Put(byte[] b) { long at = data.Count; data.AddRange(b); return at; }
        long oU8 = Put(u8);
        long oF32 = Put(f32.SelectMany(BitConverter.GetBytes).ToArray());
        long oI64 = Put(i64.SelectMany(BitConverter.GetBytes).ToArray());
        long oBf16 = Put(bf16.bytes.ToArray());
        string json =
            "{\"__metadata__\":{\"format\":\"pt\"}," +
            $"\"u8\":{{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[{oU8},{oU8 + 3}]}}," +
            $"\"f32\":{{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[{oF32},{oF32 + 16}]}}," +
            $"\"i64\":{{\"dtype\":\"I64\",\"shape\":[4],\"data_offsets\":[{oI64},{oI64 + 32}]}}," +
            $"\"bf16\":{{\"dtype\":\"BF16\",\"shape\":[3,1],\"data_offsets\":[{oBf16},{oBf16 + 6}]}}}}";
        var header = Encoding.UTF8.GetBytes(json).ToList();
        while (header.Count % 8 != 3) header.Add((byte)' ');
        using var tmp = new TempDir();
        string path = tmp.Sub("unaligned.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((long)header.Count), .. header, .. data]);
        Assert.NotEqual(0, (8 + header.Count + oF32) % 4); // really unaligned

        using var file = SafetensorsFile.Open(path);
        using (var t = file.Read("u8")) Assert.Equal(u8, t.data<byte>().ToArray());
        using (var t = file.Read("f32"))
        {
            Assert.Equal([2L, 2L], t.shape);
            Assert.Equal(f32, t.data<float>().ToArray());
        }
        using (var t = file.Read("i64")) Assert.Equal(i64, t.data<long>().ToArray());
        using (var t = file.Read("bf16"))
        {
            Assert.Equal([3L, 1L], t.shape);
            AssertSameTensor("bf16", bf16.view(3, 1), t);
        }
        // Reading twice gives the same values (the unaligned path copies; the copy must not alias a shared buffer).
        using var again = file.Read("f32");
        Assert.Equal(f32, again.data<float>().ToArray());
    }

    /// <summary>A hand-written file: F32 tensors "a" and "b" of 4 elements each at the given data offsets, and a data section of <paramref name="dataBytes"/>.</summary>
    static string HandWritten(TempDir tmp, (long Begin, long End) a, (long Begin, long End) b, long dataBytes, string? extraEntry = null)
    {
        string json = "{" +
            $"\"a\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[{a.Begin},{a.End}]}}," +
            $"\"b\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[{b.Begin},{b.End}]}}" +
            (extraEntry is null ? "" : "," + extraEntry) + "}";
        var header = Encoding.UTF8.GetBytes(json).ToList();
        while (header.Count % 8 != 0) header.Add((byte)' ');
        string path = tmp.Sub($"hand-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((long)header.Count), .. header, .. new byte[dataBytes]]);
        return path;
    }

    [Theory]
    [InlineData("overlap", 0, 16, 8, 24, 24)]          // b starts inside a
    [InlineData("same bytes", 0, 16, 0, 16, 16)]       // both tensors alias one buffer
    [InlineData("gap", 0, 16, 20, 36, 36)]             // 4 unindexed bytes between them
    [InlineData("trailing bytes", 0, 16, 16, 32, 40)]  // 8 bytes after the last tensor
    [InlineData("leading hole", 8, 24, 24, 40, 40)]    // the buffer does not start with a tensor
    public void Offsets_that_do_not_tile_the_data_section_fail_at_open(string kind, long aBegin, long aEnd, long bBegin, long bEnd, long dataBytes)
    {
        using var tmp = new TempDir();
        string path = HandWritten(tmp, (aBegin, aEnd), (bBegin, bEnd), dataBytes);
        var e = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path));
        Assert.Equal(path, e.File);
        Assert.Contains(Path.GetFileName(path), e.Message);
        if (kind is "overlap" or "same bytes" or "gap")
        {
            Assert.Contains("'a'", e.Message);
            Assert.Contains("'b'", e.Message);
        }
        Assert.NotNull(e.Tensor);
    }

    [Fact]
    public void Header_order_does_not_matter_when_the_offsets_tile_the_buffer()
    {
        using var tmp = new TempDir();
        string path = HandWritten(tmp, (16, 32), (0, 16), 32);   // "a" is listed first but stored second
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(16, file.Entry("a").Begin);
    }

    [Fact]
    public void A_duplicate_tensor_name_in_one_header_fails_at_open()
    {
        using var tmp = new TempDir();
        string path = HandWritten(tmp, (0, 16), (16, 32), 48, extraEntry: "\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[32,48]}");
        var e = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path));
        Assert.Equal("a", e.Tensor);
        Assert.Contains("twice", e.Message);
    }

    [Fact]
    public void A_shape_whose_byte_count_overflows_fails_at_open()
    {
        using var tmp = new TempDir();
        // 2^32 × 2^32 × 4 bytes wraps to 0 in 64-bit arithmetic, which would "match" an empty range.
        string path = HandWritten(tmp, (0, 16), (16, 32), 32,
            extraEntry: "\"huge\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[32,32]}");
        var e = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path));
        Assert.Equal("huge", e.Tensor);
    }

    [Fact]
    public void Aligned_reads_are_views_of_one_mapping()
    {
        using var tmp = new TempDir();
        string path = tmp.Sub("v.safetensors");
        var tensors = new List<KeyValuePair<string, Tensor>> { new("a", arange(10, ScalarType.Float32)), new("b", arange(6, ScalarType.Float32)) };
        SafetensorsWriter.Write(path, tensors);
        using var file = SafetensorsFile.Open(path);
        using var a = file.Read("a");
        using var b = file.Read("b");
        unsafe
        {
            fixed (byte* pa = a.bytes)
            fixed (byte* pb = b.bytes)
                Assert.Equal(40, pb - pa); // b follows a in the same mapped buffer
        }
        TestModels.DisposeAll(tensors);
    }

    [Fact]
    public void WriteSharded_writes_an_index_that_Checkpoint_reads()
    {
        using var tmp = new TempDir();
        string dir = tmp.Sub("sharded", create: true);
        var s1 = new List<KeyValuePair<string, Tensor>> { new("x.weight", randn(4, 3)), new("x.bias", randn(4)) };
        var s2 = new List<KeyValuePair<string, Tensor>> { new("y.weight", randn(2, 2).to(ScalarType.BFloat16)) };
        SafetensorsWriter.WriteSharded(dir, [s1, s2]);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, Checkpoint.IndexFileName)));
        Assert.Equal(4 * 3 * 4 + 4 * 4 + 2 * 2 * 2, doc.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        var map = doc.RootElement.GetProperty("weight_map");
        Assert.Equal("model-00001-of-00002.safetensors", map.GetProperty("x.bias").GetString());
        Assert.Equal("model-00002-of-00002.safetensors", map.GetProperty("y.weight").GetString());

        using var cp = Checkpoint.Open(dir);
        Assert.Equal(["x.bias", "x.weight", "y.weight"], cp.TensorNames.Order(StringComparer.Ordinal));
        foreach (var (name, t) in s1.Concat(s2))
        {
            using var r = cp.Read(name);
            AssertSameTensor(name, t, r);
        }
        TestModels.DisposeAll(s1.Concat(s2));
    }

    [Fact]
    public void Writer_rejects_a_dtype_safetensors_cannot_hold()
    {
        using var tmp = new TempDir();
        using var c = zeros(2, dtype: ScalarType.ComplexFloat32);
        Assert.Throws<NotSupportedException>(() => SafetensorsWriter.Write(tmp.Sub("c.safetensors"), [new("c", c)]));
    }

    [Fact]
    public void Reading_after_dispose_throws_and_a_missing_tensor_is_named()
    {
        using var tmp = new TempDir();
        string path = tmp.Sub("d.safetensors");
        using var t = ones(2);
        SafetensorsWriter.Write(path, [new("one", t)]);
        var file = SafetensorsFile.Open(path);
        var e = Assert.Throws<CheckpointException>(() => file.Read("two"));
        Assert.Equal("two", e.Tensor);
        Assert.Equal(path, e.File);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Read("one"));
    }

    [Fact]
    public void Opening_a_missing_file_is_a_CheckpointException()
    {
        var e = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open("/nonexistent/model.safetensors"));
        Assert.Equal("/nonexistent/model.safetensors", e.File);
    }
}
