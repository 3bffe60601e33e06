using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// The checkpoint's byte-level BPE tokenizer (<c>tokenizer.json</c>: vocabulary, merges, split-regex pre-tokenizer,
/// added tokens), encoding through Microsoft.ML.Tokenizers. Added tokens (the chat markup such as <c>&lt;|user|&gt;</c>,
/// <c>&lt;|image|&gt;</c>) are matched anywhere in the text and encode to their single ids — also inside user text, as
/// the Hugging Face tokenizer does by default — except inside the literal ranges a caller names, where markup is
/// ordinary text.
/// </summary>
/// <remarks>
/// A pre-token (a regex split, such as one run of letters) longer than <see cref="MaxPreTokenLength"/> characters is
/// cut into pieces of that length before byte-pair merging, which is quadratic in the pre-token's length. Such a word
/// may tokenize differently from Hugging Face at the cut points (no merge crosses them); shorter ones are unaffected.
/// </remarks>
public sealed class Glm4vTokenizer
{
    /// <summary>Longest run of characters merged as one piece (see the remarks).</summary>
    public const int MaxPreTokenLength = 1024;

    readonly BpeTokenizer _bpe;
    readonly Regex _split;
    readonly Dictionary<string, int> _added;
    readonly HashSet<int> _special;
    readonly byte[][] _bytes;
    readonly string[] _strings;
    readonly Regex? _addedSplit;
    readonly int _maxTokenBytes;

    Glm4vTokenizer(BpeTokenizer bpe, Regex split, Dictionary<string, int> added, HashSet<int> special, byte[][] bytes, string[] strings, int maxTokenBytes)
    {
        _bpe = bpe;
        _split = split;
        _added = added;
        _special = special;
        _bytes = bytes;
        _strings = strings;
        _maxTokenBytes = Math.Max(1, maxTokenBytes);
        if (added.Count > 0)
            _addedSplit = new Regex(string.Join("|", added.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)), RegexOptions.CultureInvariant);
    }

    /// <summary>Largest id + 1.</summary>
    public int VocabularySize => _bytes.Length;
    public IReadOnlyDictionary<string, int> AddedTokens => _added;

    /// <summary>Loads <c>tokenizer.json</c> from a model directory (or the file itself).</summary>
    public static Glm4vTokenizer Load(string modelDirOrFile)
    {
        string path = Directory.Exists(modelDirOrFile) ? Path.Combine(modelDirOrFile, "tokenizer.json") : modelDirOrFile;
        if (!File.Exists(path)) throw new ModelConfigException("tokenizer.json", null, $"file not found at '{path}'.");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return FromJson(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new ModelConfigException("tokenizer.json", null, $"invalid JSON: {e.Message}", e);
        }
    }

    static Glm4vTokenizer FromJson(JsonElement root)
    {
        const string File = "tokenizer.json";
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new ModelConfigException(File, "model", "missing.");
        string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "BPE";
        if (type != "BPE") throw new ModelConfigException(File, "model.type", $"'{type}' is not supported (only byte-level BPE).");
        if (!model.TryGetProperty("vocab", out var vocabEl) || vocabEl.ValueKind != JsonValueKind.Object)
            throw new ModelConfigException(File, "model.vocab", "missing.");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocabEl.EnumerateObject()) vocab[p.Name] = p.Value.GetInt32();
        var merges = new List<string>();
        if (model.TryGetProperty("merges", out var mergesEl))
            foreach (var m in mergesEl.EnumerateArray())
                merges.Add(m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString() ?? "");

        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var special = new HashSet<int>();
        if (root.TryGetProperty("added_tokens", out var addedEl))
            foreach (var a in addedEl.EnumerateArray())
            {
                string content = a.GetProperty("content").GetString() ?? throw new ModelConfigException(File, "added_tokens", "a token has no content.");
                int id = a.GetProperty("id").GetInt32();
                added[content] = id;
                if (a.TryGetProperty("special", out var sp) && sp.ValueKind == JsonValueKind.True) special.Add(id);
            }

        string pattern = SplitPattern(root) ??
            @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
        Regex regex;
        try { regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant); }
        catch (ArgumentException e) { throw new ModelConfigException(File, "pre_tokenizer", $"the split pattern is not a valid regex: {e.Message}", e); }

        var bpeVocab = vocab.Where(kv => !added.ContainsKey(kv.Key)).ToList();
        var options = new BpeOptions(bpeVocab)
        {
            Merges = merges,
            PreTokenizer = new RegexPreTokenizer(regex, null), // unused: Encode splits added tokens and pre-tokens itself
            ByteLevel = true,
        };
        var bpe = BpeTokenizer.Create(options);

        int size = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max(), added.Count == 0 ? 0 : added.Values.Max()) + 1;
        var bytes = new byte[size][];
        var strings = new string[size];
        foreach (var (tok, id) in vocab)
        {
            strings[id] = tok;
            bytes[id] = ByteLevelAlphabet.TryDecode(tok, out var b) ? b : Encoding.UTF8.GetBytes(tok);
        }
        foreach (var (tok, id) in added)
        {
            strings[id] = tok;
            bytes[id] = Encoding.UTF8.GetBytes(tok);
        }
        int maxTokenBytes = vocab.Where(kv => !added.ContainsKey(kv.Key)).Select(kv => bytes[kv.Value].Length).DefaultIfEmpty(1).Max();
        for (int i = 0; i < size; i++)
        {
            bytes[i] ??= [];
            strings[i] ??= "";
        }
        return new Glm4vTokenizer(bpe, regex, added, special, bytes, strings, maxTokenBytes);
    }

    static string? SplitPattern(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object) return null;
        IEnumerable<JsonElement> items = pre.TryGetProperty("pretokenizers", out var list) ? list.EnumerateArray() : [pre];
        foreach (var p in items)
            if (p.TryGetProperty("type", out var ty) && ty.GetString() == "Split" && p.TryGetProperty("pattern", out var pat))
            {
                if (pat.TryGetProperty("Regex", out var r)) return r.GetString();
                if (pat.TryGetProperty("String", out var s)) return Regex.Escape(s.GetString() ?? "");
            }
        return null;
    }

    /// <summary>Encodes rendered prompt text (no BOS/EOS is added: the template writes <c>[gMASK]&lt;sop&gt;</c> itself).</summary>
    public List<int> Encode(string text) => Encode(text, null);

    /// <summary>
    /// Encodes text in which added tokens are matched only outside <paramref name="literalRanges"/>: markup inside those
    /// ranges is encoded by the BPE as ordinary characters, never as the control ids.
    /// </summary>
    /// <param name="literalRanges">ranges of <paramref name="text"/> (any order, may overlap), or null.</param>
    /// <param name="contextTokens">a context size the ids must stay below: checked from a lower bound on the token
    /// count (UTF-8 bytes / the longest vocabulary token) before any merging, then as the ids grow.</param>
    /// <exception cref="ContextLengthExceededException">the text needs <paramref name="contextTokens"/> tokens or more
    /// (<see cref="ContextLengthExceededException.PromptTokens"/> is then a lower bound).</exception>
    public List<int> Encode(string text, IReadOnlyList<Range>? literalRanges, int contextTokens = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chunks = Split(text, literalRanges);
        long lowerBound = 0;
        foreach (var (start, length, id) in chunks)
            lowerBound += id >= 0 ? 1 : (Encoding.UTF8.GetByteCount(text.AsSpan(start, length)) + _maxTokenBytes - 1) / _maxTokenBytes;
        if (lowerBound >= contextTokens) throw new ContextLengthExceededException((int)Math.Min(lowerBound, int.MaxValue), 0, contextTokens, promptTokensAtLeast: true);

        var ids = new List<int>();
        foreach (var (start, length, id) in chunks)
        {
            if (id >= 0) ids.Add(id);
            else EncodePlain(text.AsSpan(start, length), ids);
            if (ids.Count >= contextTokens) throw new ContextLengthExceededException(ids.Count, 0, contextTokens, promptTokensAtLeast: true);
        }
        return ids;
    }

    /// <summary>The text as runs of plain text (id -1) and added tokens (their id), added tokens matched outside the literal ranges only.</summary>
    List<(int Start, int Length, int Id)> Split(string text, IReadOnlyList<Range>? literalRanges)
    {
        var chunks = new List<(int, int, int)>();
        int plainFrom = 0;
        if (_addedSplit is not null)
            foreach (var (from, to) in Trusted(text.Length, literalRanges))
                foreach (var m in _addedSplit.EnumerateMatches(text.AsSpan(from, to - from)))
                {
                    int at = from + m.Index;
                    if (at > plainFrom) chunks.Add((plainFrom, at - plainFrom, -1));
                    chunks.Add((at, m.Length, _added[text.Substring(at, m.Length)]));
                    plainFrom = at + m.Length;
                }
        if (plainFrom < text.Length) chunks.Add((plainFrom, text.Length - plainFrom, -1));
        return chunks;
    }

    /// <summary>The complement of the literal ranges, in order.</summary>
    static IEnumerable<(int From, int To)> Trusted(int length, IReadOnlyList<Range>? literalRanges)
    {
        if (literalRanges is null || literalRanges.Count == 0)
        {
            yield return (0, length);
            yield break;
        }
        int at = 0;
        foreach (var (start, len) in literalRanges.Select(r => r.GetOffsetAndLength(length)).OrderBy(r => r.Offset))
        {
            if (start > at) yield return (at, start);
            at = Math.Max(at, start + len);
        }
        if (at < length) yield return (at, length);
    }

    /// <summary>Pre-tokenizes with the split regex (gaps kept as pre-tokens), cuts long pre-tokens, and merges each piece.</summary>
    void EncodePlain(ReadOnlySpan<char> text, List<int> ids)
    {
        int at = 0;
        foreach (var m in _split.EnumerateMatches(text))
        {
            if (m.Index > at) EncodePreToken(text[at..m.Index], ids);
            EncodePreToken(text.Slice(m.Index, m.Length), ids);
            at = m.Index + m.Length;
        }
        if (at < text.Length) EncodePreToken(text[at..], ids);
    }

    void EncodePreToken(ReadOnlySpan<char> preToken, List<int> ids)
    {
        while (preToken.Length > 0)
        {
            int n = Math.Min(preToken.Length, MaxPreTokenLength);
            if (n < preToken.Length && char.IsLowSurrogate(preToken[n])) n--; // never cut a surrogate pair
            foreach (var id in _bpe.EncodeToIds(preToken[..n], considerPreTokenization: false, considerNormalization: false)) ids.Add(id);
            preToken = preToken[n..];
        }
    }

    /// <summary>Id of an added token such as <c>&lt;|image|&gt;</c>; throws when the tokenizer lacks it.</summary>
    public int TokenId(string addedToken) => _added.TryGetValue(addedToken, out int id) ? id
        : throw new ModelConfigException("tokenizer.json", "added_tokens", $"the token '{addedToken}' is not defined.");

    public bool TryGetTokenId(string addedToken, out int id) => _added.TryGetValue(addedToken, out id);

    public bool IsSpecial(int id) => _special.Contains(id);

    /// <summary>The raw bytes a token stands for (an added token: its UTF-8 text).</summary>
    public ReadOnlySpan<byte> TokenBytes(int id) => (uint)id < (uint)_bytes.Length ? _bytes[id] : [];

    /// <summary>The vocabulary string of a token (byte-level alphabet for ordinary tokens).</summary>
    public string TokenString(int id) => (uint)id < (uint)_strings.Length ? _strings[id] : "";

    /// <summary>Decodes ids to text (invalid UTF-8 becomes U+FFFD).</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var buffer = new List<byte>();
        foreach (int id in ids)
            if (!(skipSpecialTokens && IsSpecial(id))) buffer.AddRange(TokenBytes(id).ToArray());
        return new UTF8Encoding(false, false).GetString(buffer.ToArray());
    }
}
