namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// GPT-2's byte-level alphabet (<c>bytes_to_unicode</c>): every byte maps to one printable character, so that BPE
/// vocabularies can hold arbitrary bytes as strings. Printable Latin-1 bytes map to themselves, the rest to U+0100….
/// </summary>
public static class ByteLevelAlphabet
{
    static readonly char[] ByteToChar = Build();
    static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, (byte)b)).ToDictionary(x => x.c, x => x.Item2);

    static char[] Build()
    {
        var map = new char[256];
        var direct = new bool[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int n = 0;
        for (int b = 0; b < 256; b++) map[b] = direct[b] ? (char)b : (char)(256 + n++);
        return map;
    }

    public static char Encode(byte b) => ByteToChar[b];

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>The bytes a vocabulary string stands for; false when it holds a character outside the alphabet.</summary>
    public static bool TryDecode(string token, out byte[] bytes)
    {
        bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!CharToByte.TryGetValue(token[i], out bytes[i])) return false;
        }
        return true;
    }
}
