using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Glm4vSK.LocalEngine.Caching;

/// <summary>
/// A SHA-256 digest used as a cache key (a picture's pixels and grid, or a prefix block and everything before it).
/// SHA-256 rather than a fast non-cryptographic hash: a crafted collision would let one request read another's KV.
/// </summary>
internal readonly record struct ContentHash(ulong A, ulong B, ulong C, ulong D)
{
    public const int Size = SHA256.HashSizeInBytes;

    public static ContentHash From(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(digest),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));

    /// <summary>The digest <paramref name="hash"/> has accumulated (and resets it).</summary>
    public static ContentHash Finish(IncrementalHash hash)
    {
        Span<byte> digest = stackalloc byte[Size];
        hash.GetHashAndReset(digest);
        return From(digest);
    }

    public void AppendTo(IncrementalHash hash)
    {
        Span<byte> bytes = stackalloc byte[Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, A);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], B);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], C);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], D);
        hash.AppendData(bytes);
    }
}
