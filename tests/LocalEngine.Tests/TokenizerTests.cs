using System.Text;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Testing;

namespace Glm4vSK.LocalEngine.Tests;

public sealed class TokenizerTests
{
    static readonly Lazy<Glm4vTokenizer> Shared = new(() =>
    {
        string dir = RandomModels.NewTempDir("tok");
        TinyTokenizer.Write(dir);
        return Glm4vTokenizer.Load(dir);
    });

    static Glm4vTokenizer Tok => Shared.Value;
    static int Byte(char c) => c;                  // ids 0–255 are the bytes
    static int Merge(string a, string b) => 256 + Array.IndexOf(TinyTokenizer.Merges, (a, b));

    [Fact]
    public void Chat_markup_encodes_to_single_ids_and_text_to_merged_bpe_tokens()
    {
        var ids = Tok.Encode("[gMASK]<sop><|user|>\nthe cat<|begin_of_image|><|image|><|end_of_image|> the");

        Assert.Equal(new[]
        {
            280, 281, 297, Byte('\n'), Merge("th", "e"), Merge("Ġ", "cat"), 290, 294, 291, Merge("Ġ", "the"),
        }, ids);
    }

    [Fact]
    public void Text_that_looks_like_markup_is_markup_as_with_the_hugging_face_tokenizer()
    {
        // HF matches added tokens anywhere in the input unless split_special_tokens is set; so do we.
        Assert.Equal(new[] { Merge("th", "e"), 297, Byte('x') }, Tok.Encode("the<|user|>x"));
        // A near miss stays text.
        Assert.DoesNotContain(297, Tok.Encode("<|user|"));
    }

    [Fact]
    public void Markup_inside_a_literal_range_is_encoded_as_plain_text()
    {
        string text = "<|user|>\nsee<|user|>now<|assistant|>";
        int start = text.IndexOf("see", StringComparison.Ordinal);
        var ids = Tok.Encode(text, [new Range(start, start + "see<|user|>now".Length)]);
        // "<|" and "user" are separate pre-tokens, so the plain encoding is that of the two halves.
        Assert.Equal(new[] { 297 }.Concat(Tok.Encode("\nsee<|")).Concat(Tok.Encode("user|>now")).Append(283), ids);
        Assert.Equal(text, Tok.Decode(ids));
        Assert.Equal(Tok.Encode(text), Tok.Encode(text, []));
    }

    [Fact]
    public void A_word_longer_than_the_pre_token_cap_is_merged_piece_by_piece_and_decodes_back()
    {
        string word = string.Concat(Enumerable.Repeat("the", 7000)); // 21,000 letters: one pre-token
        var ids = Tok.Encode(word);
        Assert.Equal(word, Tok.Decode(ids));
        var pieces = word.Chunk(Glm4vTokenizer.MaxPreTokenLength).SelectMany(c => Tok.Encode(new string(c)));
        Assert.Equal(pieces, ids);
        Assert.Contains(Byte('t'), ids); // the cut at 1,024 leaves a lone "t" ("the" does not divide 1,024)
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        string word = new string('a', Glm4vTokenizer.MaxPreTokenLength - 1) + "𝔘" + "b";
        Assert.Equal(word, Tok.Decode(Tok.Encode(word)));
    }

    [Fact]
    public void Text_that_cannot_fit_the_context_is_refused_from_its_length_before_encoding()
    {
        // 1,000,000 bytes at most 5 bytes per token (the longest test token, " what") is at least 200,000 tokens.
        var e = Assert.Throws<ContextLengthExceededException>(() => Tok.Encode(new string('a', 1_000_000), null, contextTokens: 4096));
        Assert.Equal(200_000, e.PromptTokens);
        Assert.Equal(4096, e.ContextTokens);
        // 9,000 bytes: a bound of 1,800 tokens passes, but " ab" is two tokens, so the encoding stops past 4,096.
        Assert.Throws<ContextLengthExceededException>(() => Tok.Encode(string.Concat(Enumerable.Repeat("ab ", 3000)), null, contextTokens: 4096));
        Assert.Equal(Tok.Encode("the cat"), Tok.Encode("the cat", null, contextTokens: 4096));
    }

    [Theory]
    [InlineData("你好")]
    [InlineData("What is this? 😀 它是什么")]
    [InlineData("tabs\tand\r\nnew lines\n\n  spaces   ")]
    [InlineData("café ñ ü Ω ∑ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢")]
    public void Encode_then_decode_gives_the_text_back(string text)
    {
        var ids = Tok.Encode(text);
        Assert.Equal(text, Tok.Decode(ids));
        var streamed = new StringBuilder();
        var d = new StreamingDetokenizer(Tok);
        foreach (var id in ids) streamed.Append(d.Append(id));
        streamed.Append(d.Flush());
        Assert.Equal(text, streamed.ToString());
    }

    [Fact]
    public void Chinese_is_merged_as_the_vocabulary_says()
    {
        Assert.Equal(2, Tok.Encode("你好").Count);
        Assert.Single(Tok.Encode("😀"));
    }

    [Fact]
    public void Streaming_never_emits_half_a_character()
    {
        var d = new StreamingDetokenizer(Tok);
        var zh = Encoding.UTF8.GetBytes("你");
        Assert.Equal("", d.Append(zh[0]));
        Assert.Equal("", d.Append(zh[1]));
        Assert.Equal("你", d.Append(zh[2]));
        var emoji = Encoding.UTF8.GetBytes("😀");
        Assert.Equal("a", d.Append('a'));
        Assert.Equal("", d.Append(Merge(ByteLevelAlphabet.Encode([emoji[0]]), ByteLevelAlphabet.Encode([emoji[1]]))));
        Assert.Equal("", d.Append(emoji[2]));
        Assert.Equal("😀", d.Append(emoji[3]));
        Assert.Equal("", d.Flush());
    }

    [Fact]
    public void Broken_utf8_becomes_replacement_characters_not_exceptions()
    {
        var d = new StreamingDetokenizer(Tok);
        var zh = Encoding.UTF8.GetBytes("你");
        Assert.Equal("", d.Append(zh[0]));
        string s = d.Append('x') + d.Flush();
        Assert.Equal("\uFFFDx", s);
        var d2 = new StreamingDetokenizer(Tok);
        Assert.Equal("", d2.Append(zh[0]));
        Assert.Equal("\uFFFD", d2.Flush());
    }

    [Fact]
    public void Special_tokens_are_kept_unless_skipped()
    {
        var ids = Tok.Encode("<think>hi</think>ok<|endoftext|>");
        Assert.Equal("<think>hi</think>ok<|endoftext|>", Tok.Decode(ids));
        Assert.Equal("hiok", Tok.Decode(ids, skipSpecialTokens: true));
        var d = new StreamingDetokenizer(Tok, skipSpecialTokens: true);
        Assert.Equal("hiok", string.Concat(ids.Select(d.Append)) + d.Flush());
    }

    [Fact]
    public void Missing_or_broken_tokenizer_files_are_config_errors()
    {
        string dir = RandomModels.NewTempDir("tok-bad");
        Assert.Throws<ModelConfigException>(() => Glm4vTokenizer.Load(dir));
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{ not json");
        Assert.Throws<ModelConfigException>(() => Glm4vTokenizer.Load(dir));
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), """{"model": {"type": "Unigram", "vocab": []}}""");
        Assert.Equal("model.type", Assert.Throws<ModelConfigException>(() => Glm4vTokenizer.Load(dir)).Field);
    }
}
