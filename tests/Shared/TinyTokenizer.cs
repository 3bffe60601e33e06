using System.Text;
using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.LocalEngine.Testing;

/// <summary>
/// A small byte-level BPE <c>tokenizer.json</c> in the real Hugging Face format, laid out to fit the tiny models
/// (vocabulary 300): ids 0–255 are the bytes, 256–279 merges (English, 你, 好, 😀), 280–297 the GLM chat markup with
/// the image/video ids of the fixture models (290–295), and further markup above 299 (valid only with a larger vocab).
/// </summary>
public static class TinyTokenizer
{
    public static readonly (string A, string B)[] Merges = BuildMerges();

    public static readonly (string Content, int Id)[] Added =
    [
        ("[gMASK]", 280), ("<sop>", 281), ("<|system|>", 282), ("<|assistant|>", 283), ("<|observation|>", 284),
        ("<think>", 285), ("</think>", 286), ("<tool_call>", 287), ("</tool_call>", 288), ("/nothink", 289),
        ("<|begin_of_image|>", 290), ("<|end_of_image|>", 291), ("<|begin_of_video|>", 292), ("<|end_of_video|>", 293),
        ("<|image|>", 294), ("<|video|>", 295), ("<|endoftext|>", 296), ("<|user|>", 297),
        ("<arg_key>", 300), ("</arg_key>", 301), ("<arg_value>", 302), ("</arg_value>", 303), ("<tool_response>", 304),
        ("</tool_response>", 305), ("<|begin_of_box|>", 306), ("<|end_of_box|>", 307), ("<answer>", 308), ("</answer>", 309),
    ];

    static string B(params byte[] b) => ByteLevelAlphabet.Encode(b);
    static string S(string s) => ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(s));

    static (string, string)[] BuildMerges()
    {
        var zh1 = Encoding.UTF8.GetBytes("你");
        var zh2 = Encoding.UTF8.GetBytes("好");
        var emoji = Encoding.UTF8.GetBytes("😀");
        return
        [
            ("t", "h"), ("th", "e"), (S(" "), "the"), ("i", "n"), (S(" "), "a"), ("o", "u"), ("e", "r"), (S(" "), "i"),
            (S(" i"), "s"), ("a", "t"), (S(" "), "w"), (S(" w"), "h"), (S(" wh"), "at"), ("c", "at"), (S(" "), "cat"),
            (B(zh1[0]), B(zh1[1])), (B(zh1[0], zh1[1]), B(zh1[2])), (B(zh2[0]), B(zh2[1])), (B(zh2[0], zh2[1]), B(zh2[2])),
            (B(emoji[0]), B(emoji[1])), (B(emoji[0], emoji[1]), B(emoji[2])), (B(emoji[0], emoji[1], emoji[2]), B(emoji[3])),
            (S("\n"), S("\n")), ("o", "n"),
        ];
    }

    public const string SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>
    /// The added tokens, with the media and padding ids taken from <paramref name="config"/> when given (the other markup
    /// moves to the lowest free ids from 280 up); null when the config's ids collide with the byte and merge ids.
    /// </summary>
    public static (string Content, int Id)[]? AddedFor(Glm4vConfig? config)
    {
        if (config is null) return Added;
        var fixedIds = new Dictionary<string, int>
        {
            ["<|begin_of_image|>"] = config.ImageStartTokenId, ["<|end_of_image|>"] = config.ImageEndTokenId,
            ["<|begin_of_video|>"] = config.VideoStartTokenId, ["<|end_of_video|>"] = config.VideoEndTokenId,
            ["<|image|>"] = config.ImageTokenId, ["<|video|>"] = config.VideoTokenId,
        };
        if (config.PadTokenId is int pad) fixedIds["<|endoftext|>"] = pad;
        if (fixedIds.Values.Any(id => id < 280) || fixedIds.Values.Distinct().Count() != fixedIds.Count) return null;
        var used = new HashSet<int>(fixedIds.Values);
        int next = 280;
        var result = new List<(string, int)>();
        foreach (var (content, _) in Added)
        {
            if (fixedIds.TryGetValue(content, out int id)) { result.Add((content, id)); continue; }
            while (used.Contains(next)) next++;
            used.Add(next);
            result.Add((content, next));
        }
        return result.ToArray();
    }

    public static JsonObject Json(Glm4vConfig? config = null)
    {
        var addedTokens = AddedFor(config) ?? throw new ArgumentException("The config's media ids collide with the byte-level ids 0–279.");
        var vocab = new JsonObject();
        for (int b = 0; b < 256; b++) vocab[B((byte)b)] = b;
        int id = 256;
        foreach (var (a, c) in Merges) vocab[a + c] = id++;
        if (id != 280) throw new InvalidOperationException($"merges end at {id}, expected 280");
        var added = new JsonArray();
        foreach (var (content, tid) in addedTokens)
            added.Add(new JsonObject { ["id"] = tid, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true });
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = SplitPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false }),
            },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(Merges.Select(m => (JsonNode)new JsonArray(m.A, m.B)).ToArray()),
            },
        };
    }

    /// <summary>Writes tokenizer.json (and a minimal tokenizer_config.json) into <paramref name="dir"/>.</summary>
    public static void Write(string dir, Glm4vConfig? config = null)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), Json(config).ToJsonString());
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
            new JsonObject { ["tokenizer_class"] = "PreTrainedTokenizerFast", ["eos_token"] = "<|endoftext|>", ["pad_token"] = "<|endoftext|>", ["padding_side"] = "left" }.ToJsonString());
    }
}
