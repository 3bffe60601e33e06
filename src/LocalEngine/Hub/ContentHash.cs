using System.Security.Cryptography;
using System.Text;

namespace Glm4vSK.LocalEngine.Hub;

/// <summary>
/// The hash an ETag promises: sha256 of the content for LFS files (64 hex digits), git's blob id — sha1 over
/// "blob {size}\0" and the content — for the others (40). A mirror's other ETags promise nothing (the size still counts).
/// </summary>
internal sealed class ContentHash : IDisposable
{
    readonly HashAlgorithmName _algorithm;
    readonly byte[] _prefix;
    IncrementalHash _hash;

    ContentHash(HashAlgorithmName algorithm, byte[] prefix)
    {
        _algorithm = algorithm;
        _prefix = prefix;
        _hash = Start();
    }

    public static ContentHash? For(string etag, long? size)
    {
        if (etag.Length == 64 && IsLowerHex(etag)) return new ContentHash(HashAlgorithmName.SHA256, []);
        if (etag.Length == 40 && IsLowerHex(etag) && size is long s) return new ContentHash(HashAlgorithmName.SHA1, Encoding.ASCII.GetBytes($"blob {s}\0"));
        return null;
    }

    static bool IsLowerHex(string s) => s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    IncrementalHash Start()
    {
        var h = IncrementalHash.CreateHash(_algorithm);
        h.AppendData(_prefix);
        return h;
    }

    public void Append(ReadOnlySpan<byte> data) => _hash.AppendData(data);

    /// <summary>Forgets what was appended (the server sent the file from its start again).</summary>
    public void Restart()
    {
        _hash.Dispose();
        _hash = Start();
    }

    public string Hex() => Convert.ToHexStringLower(_hash.GetCurrentHash());

    public void Dispose() => _hash.Dispose();
}
