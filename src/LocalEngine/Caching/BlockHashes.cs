using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Glm4vSK.LocalEngine.Caching;

/// <summary>
/// Keys of a sequence's prefix blocks, as vLLM's <c>hash_block_tokens</c> chains them: block k's hash covers block
/// k − 1's hash, its own token ids and the content hash of every image or video whose placeholders fall in it. Equal
/// keys therefore mean equal tokens, equal pictures and equal positions from the start of the sequence up to the end
/// of the block — everything the block's keys and values depend on. A cache salt seeds the chain (vLLM's
/// <c>cache_salt</c>): sequences with different salts share no block, however equal their tokens.
/// </summary>
internal static class BlockHashes
{
    /// <param name="ids">The sequence (one row, no padding).</param>
    /// <param name="media">The sequence's images and videos, hashes computed.</param>
    /// <param name="blockTokens">Tokens per block.</param>
    /// <param name="blocks">Leading whole blocks to key (at most ids.Count / blockTokens).</param>
    /// <param name="salt">The request's cache namespace, or null (the shared one).</param>
    public static ContentHash[] Compute(IReadOnlyList<long> ids, IEnumerable<MediaItem> media, int blockTokens, int blocks, string? salt = null)
    {
        var items = media.OrderBy(m => m.First).ToArray();
        var result = new ContentHash[blocks];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> token = stackalloc byte[sizeof(long)];
        var parent = default(ContentHash);
        if (salt is not null)
        {
            sha.AppendData("glm4vsk cache salt\0"u8);
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(salt));
            parent = ContentHash.Finish(sha);
        }
        for (int b = 0; b < blocks; b++)
        {
            int start = b * blockTokens, end = start + blockTokens;
            parent.AppendTo(sha);
            for (int j = start; j < end; j++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(token, ids[j]);
                sha.AppendData(token);
            }
            foreach (var m in items)
                if (m.First < end && m.End > start) m.Hash.AppendTo(sha);
            parent = result[b] = ContentHash.Finish(sha);
        }
        return result;
    }
}
