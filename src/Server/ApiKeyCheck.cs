using System.Security.Cryptography;
using System.Text;

namespace Glm4vSK.Server;

/// <summary>
/// Checks <c>Authorization: Bearer KEY</c> against the configured keys in constant time: the SHA-256 hashes (equal
/// length whatever the key) are compared with <see cref="CryptographicOperations.FixedTimeEquals"/>, against every key
/// without stopping early.
/// </summary>
internal sealed class ApiKeyCheck(IReadOnlyList<string> keys)
{
    readonly byte[][] _hashes = [.. keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];

    public bool Required => _hashes.Length > 0;

    public bool Accepts(string? authorization)
    {
        if (_hashes.Length == 0) return true;
        const string prefix = "Bearer ";
        string presented = authorization is not null && authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? authorization[prefix.Length..].Trim() : "";
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        bool match = false;
        foreach (var h in _hashes) match |= CryptographicOperations.FixedTimeEquals(h, hash);
        return match && presented.Length > 0;
    }
}
