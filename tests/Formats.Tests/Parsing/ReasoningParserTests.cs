using Glm4vSK.Formats;

namespace Glm4vSK.Formats.Tests.Parsing;

public sealed class ReasoningParserTests
{
    [Theory]
    //          text                                   thinking inside  answer  reasoning          content
    [InlineData("<think>a</think>b",                     true,  false, false, "a",                "b")]
    [InlineData("junk<think>a</think>b",                 true,  false, false, "a",                "b")]
    [InlineData("a</think>b",                            true,  false, false, "a",                "b")]
    [InlineData("<think>a",                              true,  false, false, "a",                null)]
    [InlineData("<think>",                               true,  false, false, "",                 null)]
    [InlineData("plain",                                 true,  false, false, null,               "plain")]
    [InlineData("<think>a</think>",                      true,  false, false, "a",                null)]
    [InlineData("a</think>b",                            true,  true,  false, "a",                "b")]
    [InlineData(" <think>a</think>b",                    true,  true,  false, "a",                "b")]
    [InlineData("still thinking",                        true,  true,  false, "still thinking",   null)]
    [InlineData("<think>a</think>b",                     false, false, false, "a",                "b")]
    [InlineData("\n<think></think>b",                    false, false, false, "",                 "b")]
    [InlineData("<think>a",                              false, false, false, null,               "<think>a")]
    [InlineData("x<think>a</think>b",                    false, false, false, null,               "x<think>a</think>b")]
    [InlineData("<think>r</think>\n<answer>A</answer>x", true,  false, true,  "r",                "A")]
    [InlineData("<think>r</think><answer>A",             true,  false, true,  "r",                "A")]
    [InlineData("<think>r</think>no answer tags",        true,  false, true,  "r",                "no answer tags")]
    [InlineData("<think>r</think><answer></answer>",     true,  false, true,  "r",                null)]
    [InlineData("<think>r</think>A<|user|>junk",         true,  false, false, "r",                "A")]
    public void Splits(string text, bool thinking, bool inside, bool answer, string? reasoning, string? content)
    {
        var result = ReasoningParser.Parse(text, thinking, inside, answer);
        Assert.Equal(reasoning, result.Reasoning);
        Assert.Equal(content, result.Content);
    }
}
