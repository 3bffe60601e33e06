using System.Text.Json;
using Glm4vSK.Formats;

namespace Glm4vSK.Formats.Tests.Parsing;

/// <summary>
/// <see cref="GlmStreamingParser"/> gives the same merged events however the text is cut (one push, char by char, the
/// fixture's own chunks, random cuts), and agrees with the non-streaming parsers (<see cref="ReasoningParser"/> then
/// <see cref="Glm45ToolCallParser"/>). Run for every fixture line under several option sets, and for generated texts.
/// </summary>
public sealed class StreamingEquivalenceTests
{
    public static TheoryData<string> AllVectors() => new(FormatVector.DiscoverAllIds());

    const int RandomChunkings = 12;

    static IEnumerable<GlmParserOptions> OptionSets(IReadOnlyDictionary<string, JsonElement>? schemas, bool extractAnswer)
    {
        foreach (bool thinking in (bool[])[true, false])
        foreach (bool inside in (bool[])[false, true])
        foreach (bool tools in (bool[])[true, false])
        foreach (bool answer in (bool[])[extractAnswer, !extractAnswer])
        {
            if (inside && !thinking) continue;
            yield return new GlmParserOptions
            {
                ThinkingEnabled = thinking, PromptEndsInsideThink = inside, ParseToolCalls = tools, ExtractAnswer = answer, ToolSchemas = schemas,
            };
        }
    }

    [Theory, MemberData(nameof(AllVectors))]
    public void Chunking_does_not_change_the_result(string caseId)
    {
        var v = FormatVector.Open(caseId);
        bool extractAnswer = FormatFixtureTests.ExtractsAnswer(v);
        var schemas = FormatFixtureTests.Schemas(v);
        string text = v.Text;
        var random = new Random(Chunking.StableSeed(caseId));
        foreach (var options in OptionSets(schemas, extractAnswer))
        {
            var cuts = new List<IEnumerable<string>> { Chunking.CharByChar(text) };
            if (v.Chunks is { } chunks) cuts.Add(chunks);
            for (int i = 0; i < RandomChunkings; i++) cuts.Add(Chunking.Random(text, random));
            StreamingEquivalence.AssertEquivalent(text, options, cuts, caseId);
        }
    }

    [Fact]
    public void Generated_texts_chunk_invariant_and_consistent()
    {
        var random = new Random(20250801);
        var schemas = new Dictionary<string, JsonElement>
        {
            ["f"] = JsonDocument.Parse("""{"type":"object","properties":{"s":{"type":"string"},"t":{"type":"string"},"n":{"type":"integer"}}}""").RootElement,
        };
        for (int n = 0; n < 400; n++)
        {
            string text = GeneratedText.Next(random);
            var options = new GlmParserOptions
            {
                ThinkingEnabled = random.Next(4) != 0,
                PromptEndsInsideThink = random.Next(4) == 0,
                ExtractAnswer = random.Next(4) == 0,
                ParseToolCalls = random.Next(6) != 0,
                ToolSchemas = random.Next(2) == 0 ? schemas : null,
            };
            var cuts = new List<IEnumerable<string>> { Chunking.CharByChar(text) };
            for (int i = 0; i < 4; i++) cuts.Add(Chunking.Random(text, random));
            StreamingEquivalence.AssertEquivalent(text, options, cuts, $"generated #{n} {JsonSerializer.Serialize(text)} {options}");
        }
    }
}
