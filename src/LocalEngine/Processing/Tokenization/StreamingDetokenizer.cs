using System.Text;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Turns generated token ids into text deltas without ever emitting half a UTF-8 character: bytes of a character split
/// across tokens are held back until the character is complete. Invalid byte sequences become U+FFFD, as Hugging Face
/// decodes them. Special tokens are kept (the output parsers need them) unless asked otherwise.
/// </summary>
public sealed class StreamingDetokenizer
{
    readonly Glm4vTokenizer _tokenizer;
    readonly bool _skipSpecial;
    readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    readonly char[] _chars = new char[1024];

    public StreamingDetokenizer(Glm4vTokenizer tokenizer, bool skipSpecialTokens = false)
    {
        _tokenizer = tokenizer;
        _skipSpecial = skipSpecialTokens;
    }

    /// <summary>The text that <paramref name="tokenId"/> completes (possibly empty).</summary>
    public string Append(int tokenId)
    {
        if (_skipSpecial && _tokenizer.IsSpecial(tokenId)) return "";
        return Feed(_tokenizer.TokenBytes(tokenId), flush: false);
    }

    /// <summary>Whatever is still held back (an unfinished character becomes U+FFFD).</summary>
    public string Flush() => Feed([], flush: true);

    string Feed(ReadOnlySpan<byte> bytes, bool flush)
    {
        var sb = new StringBuilder();
        bool completed;
        do
        {
            _decoder.Convert(bytes, _chars, flush, out int used, out int produced, out completed);
            sb.Append(_chars, 0, produced);
            bytes = bytes[used..];
        } while (!completed || bytes.Length > 0);
        return sb.ToString();
    }
}
