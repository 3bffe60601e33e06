using System.Text;

namespace Glm4vSK.Formats.Testing;

/// <summary>Random GLM-like outputs: mostly well-formed think blocks and tool calls, with random damage.</summary>
public static class GeneratedText
{
    static readonly string[] Pieces =
    [
        "<think>", "</think>", "<answer>", "</answer>", "<tool_call>", "</tool_call>", "<arg_key>", "</arg_key>",
        "<arg_value>", "</arg_value>", "<tool_call>f\n", "<tool_call>g\n", "<tool_call>f", "<tool_call>\n",
        "<arg_key>s</arg_key>", "<arg_key>n</arg_key>", "<arg_key>t</arg_key>\n", "<arg_key>x</arg_key>\\n",
        "42</arg_value>", " Bei\"jing\\ </arg_value>", "{\"a\": [1, 2.5]}</arg_value>", "True</arg_value>",
        "<", "</", "<t", "</tool_", "<arg_", "</arg_val", "<|", "<|user|>", "<|observation|>", "<|endoftext|>", "<|begin_of_box|>",
        "<|image|>", "<|begin_of_image|>", "<|end_of_image|>", "[gMASK]<sop>", "<|assistant|>", "<|begin_of_", "[gMA",
        "[[1,2,3,4]]", "<|end_of_box|>", "hello", " world", "\n", "\n\n", "  ", "你好", "🎉", "\"", "\\", "x<y", "a>b",
    ];

    static readonly string[] Names = ["f", "g", " f ", "get_weather"];
    static readonly string[] Keys = ["s", "t", "n", " s ", "x"];
    static readonly string[] Values =
    [
        "Beijing", "  padded  ", "42", "-3.5", "true", "null", "[1, 2]", "{\"a\": {\"b\": [true, null]}}", "{'x': (1, 2)}",
        "None", "'quoted'", "line1\nline2", "say \"hi\"", "back\\slash", "你好🎉", "", "2025-08-01", "<tag>", "1e999",
    ];
    static readonly string[] Prose = ["Sure.", "\n", "\n\n", " ", "Let me check", "I will call a tool:", "done", "你好"];
    static readonly string[] Separators = ["\n", "", " ", "\n  ", "\\n"];

    /// <summary>Random tags and fragments glued together: mostly malformed.</summary>
    public static string Noise(Random random)
    {
        var sb = new StringBuilder();
        int count = random.Next(0, 18);
        for (int i = 0; i < count; i++) sb.Append(Pieces[random.Next(Pieces.Length)]);
        return sb.ToString();
    }

    /// <summary>A plausible output (think block, prose, tool calls, answer tags) with occasional damage.</summary>
    public static string Structured(Random random)
    {
        var sb = new StringBuilder();
        if (random.Next(3) == 0) sb.Append("<think>").Append(Pick(random, Prose)).Append(random.Next(8) == 0 ? "" : "</think>");
        if (random.Next(6) == 0) sb.Append("<answer>");
        int parts = random.Next(1, 5);
        for (int p = 0; p < parts; p++)
        {
            if (random.Next(2) == 0)
            {
                sb.Append(Pick(random, Prose));
                continue;
            }
            sb.Append("<tool_call>").Append(Pick(random, Names));
            if (random.Next(10) != 0) sb.Append('\n');
            int pairs = random.Next(0, 4);
            for (int i = 0; i < pairs; i++)
            {
                if (random.Next(12) != 0) sb.Append("<arg_key>");
                sb.Append(Pick(random, Keys));
                if (random.Next(12) != 0) sb.Append("</arg_key>");
                sb.Append(random.Next(10) == 0 ? "\\n" : Pick(random, Separators[..4]));
                if (random.Next(12) != 0) sb.Append("<arg_value>");
                sb.Append(Pick(random, Values));
                if (random.Next(10) != 0) sb.Append("</arg_value>");
                sb.Append(Pick(random, Separators[..4]));
            }
            if (random.Next(8) != 0) sb.Append("</tool_call>");
        }
        if (random.Next(6) == 0) sb.Append("</answer>");
        if (random.Next(8) == 0) sb.Append(Pick(random, ["<|observation|>", "<|user|>", "<|endoftext|>"]));
        string text = sb.ToString();
        if (random.Next(5) == 0)
        {
            int at = random.Next(text.Length + 1);
            text = text[..at] + Pieces[random.Next(Pieces.Length)] + text[at..];
        }
        return text;
    }

    public static string Next(Random random) => random.Next(3) == 0 ? Noise(random) : Structured(random);

    static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
