using System.Text.Json;
using Glm4vSK.Formats;

namespace Glm4vSK.Formats.Tests.Parsing;

/// <summary>
/// One theory row per line of <c>formats/{reasoning,tool_calls,grounding}.jsonl</c>. The
/// assertions that apply to a line follow from the keys it carries.
/// </summary>
public sealed class FormatFixtureTests
{
    public static TheoryData<string> ReasoningVectors() => new(FormatVector.DiscoverIds("reasoning.jsonl"));
    public static TheoryData<string> ToolCallVectors() => new(FormatVector.DiscoverIds("tool_calls.jsonl"));
    public static TheoryData<string> GroundingVectors() => new(FormatVector.DiscoverIds("grounding.jsonl"));

    [Theory]
    [InlineData("reasoning.jsonl")]
    [InlineData("tool_calls.jsonl")]
    [InlineData("grounding.jsonl")]
    public void Fixture_file_exists_and_has_vectors(string file)
    {
        Assert.True(Directory.Exists(FormatVector.Directory), $"'{FormatVector.Directory}' does not exist.");
        Assert.NotEmpty(FormatVector.DiscoverIds(file));
    }

    /// <summary>The <c>&lt;answer&gt;</c> step applies to GLM-4.1V and AutoGLM-Phone.</summary>
    internal static bool ExtractsAnswer(FormatVector v)
    {
        if (!v.Has("family")) return false;
        return v.GetString("family") switch
        {
            "glm-4.1v" or "autoglm-phone" => true,
            "glm-4.5v" or "glm-4.6v" => false,
            var other => throw new Xunit.Sdk.XunitException($"{v.CaseId}: unknown family '{other}'."),
        };
    }

    internal static IReadOnlyDictionary<string, JsonElement>? Schemas(FormatVector v) =>
        v.Has("tools") ? GlmToolSchemas.FromOpenAITools(v.Get("tools")) : null;

    [Theory, MemberData(nameof(ReasoningVectors))]
    public void Reasoning_split(string caseId)
    {
        var v = FormatVector.Open(caseId);
        var options = new GlmParserOptions { ThinkingEnabled = true, ExtractAnswer = ExtractsAnswer(v) };
        var result = ReasoningParser.Parse(v.Text, options);
        if (v.Has("expected_reasoning")) Assert.Equal(v.GetNullableString("expected_reasoning"), result.Reasoning);
        if (v.Has("expected_content")) Assert.Equal(v.GetNullableString("expected_content"), result.Content);

        // The streaming parser gives the same split (tool parsing off: the reasoning vectors are about the split only).
        var streamed = MergedOutput.Parse(options with { ParseToolCalls = false }, v.Chunks ?? (IEnumerable<string>)[v.Text]);
        if (v.Has("expected_reasoning")) Assert.Equal(v.GetNullableString("expected_reasoning"), streamed.Reasoning);
        if (v.Has("expected_content")) Assert.Equal(v.GetNullableString("expected_content"), streamed.Content);
    }

    [Theory, MemberData(nameof(ToolCallVectors))]
    public void Tool_calls(string caseId)
    {
        var v = FormatVector.Open(caseId);
        var schemas = Schemas(v);
        // The text is what the tool parser receives after a reasoning parser: thinking off leaves it untouched.
        var options = new GlmParserOptions { ThinkingEnabled = false, ToolSchemas = schemas };

        if (v.Has("text"))
        {
            var result = Glm45ToolCallParser.Parse(v.Text, schemas);
            if (v.Has("expected_content")) Assert.Equal(v.GetNullableString("expected_content"), result.Content);
            if (v.Has("expected_calls")) AssertCalls(v, result.ToolCalls.Select(c => (c.Name, JsonCompare.Of(c.Arguments))).ToList(), "non-streaming");
            foreach (var call in result.ToolCalls)
            {
                // Serialised like json.dumps(..., ensure_ascii=False): no \u escapes for non-ASCII text.
                if (!call.Arguments.Values.OfType<string>().Any(s => s.Any(char.IsControl)))
                    Assert.DoesNotContain("\\u", call.ArgumentsJson);
                if (call.Arguments.Count == 0) Assert.Equal("{}", call.ArgumentsJson);
                JsonCompare.AssertEqual(JsonCompare.Of(call.Arguments), JsonDocument.Parse(call.ArgumentsJson).RootElement, $"{caseId}: ArgumentsJson");
            }

            // Streamed as one piece: the same calls; content is all text outside the calls (vLLM streaming).
            var streamed = MergedOutput.Parse(options, [v.Text]);
            streamed.AssertFragmentsMatchArguments(caseId);
            if (v.Has("expected_calls")) AssertCalls(v, StreamedCalls(streamed), "streaming");
            Assert.Equal(result.TextOutsideCalls, streamed.Content);
            if (v.Has("expected_content") && result.ToolCalls.Count == 0) Assert.Equal(v.GetNullableString("expected_content"), streamed.Content);
        }

        if (v.Chunks is { } chunks)
        {
            var streamed = MergedOutput.Parse(options, chunks);
            streamed.AssertFragmentsMatchArguments(caseId);
            if (v.Has("expected_content")) Assert.Equal(v.GetNullableString("expected_content"), streamed.Content);
            if (v.Has("expected_calls"))
            {
                AssertCalls(v, StreamedCalls(streamed), "streaming");
                foreach (var call in streamed.CompletedCalls)
                    if (call.Completed!.Arguments.Count == 0) Assert.Equal("{}", call.JoinedFragments);
                // Equal to the non-streaming result for the joined text.
                AssertCalls(v, Glm45ToolCallParser.Parse(v.Text, schemas).ToolCalls.Select(c => (c.Name, JsonCompare.Of(c.Arguments))).ToList(), "non-streaming (joined chunks)");
            }
        }
    }

    static List<(string Name, JsonElement Arguments)> StreamedCalls(MergedOutput streamed)
    {
        Assert.All(streamed.Calls, c => Assert.NotNull(c.Completed)); // no abandoned calls in the vectors
        return streamed.CompletedCalls.Select(c => (c.Name, JsonDocument.Parse(c.JoinedFragments).RootElement.Clone())).ToList();
    }

    static void AssertCalls(FormatVector v, IReadOnlyList<(string Name, JsonElement Arguments)> actual, string how)
    {
        var expected = v.Get("expected_calls").EnumerateArray().ToList();
        Assert.True(expected.Count == actual.Count, $"{v.CaseId} ({how}): {expected.Count} calls expected, got {actual.Count}: {string.Join("; ", actual.Select(a => a.Name + " " + a.Arguments.GetRawText()))}");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].GetProperty("name").GetString(), actual[i].Name);
            JsonCompare.AssertEqual(expected[i].GetProperty("arguments"), actual[i].Arguments, $"{v.CaseId} ({how}) call {i} arguments");
        }
    }

    const double PixelTolerance = 0.006; // pixels are given to 2 decimals, rounded half-even by Python

    [Theory, MemberData(nameof(GroundingVectors))]
    public void Grounding(string caseId)
    {
        var v = FormatVector.Open(caseId);
        int width = v.Get("image_width").GetInt32();
        int height = v.Get("image_height").GetInt32();
        var result = GroundingParser.Parse(v.Text, width, height);

        if (v.Has("boxes"))
        {
            var expected = Rows(v.Get("boxes"));
            Assert.True(expected.Count == result.Boxes.Count, $"{caseId}: {expected.Count} boxes expected, got {result.Boxes.Count}");
            for (int i = 0; i < expected.Count; i++)
            {
                var b = result.Boxes[i].Normalized;
                Assert.Equal(expected[i], new[] { b.X1, b.Y1, b.X2, b.Y2 });
            }
        }
        if (v.Has("points"))
        {
            var expected = Rows(v.Get("points"));
            Assert.True(expected.Count == result.Points.Count, $"{caseId}: {expected.Count} points expected, got {result.Points.Count}");
            for (int i = 0; i < expected.Count; i++)
                Assert.Equal(expected[i], new[] { result.Points[i].Normalized.X, result.Points[i].Normalized.Y });
        }
        if (v.Has("pixel_boxes"))
        {
            var expected = Rows(v.Get("pixel_boxes"));
            Assert.Equal(expected.Count, result.Boxes.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                var p = result.Boxes[i].Pixels;
                AssertClose(expected[i], [p.X1, p.Y1, p.X2, p.Y2], $"{caseId}: pixel_boxes[{i}]");
            }
        }
        if (v.Has("pixel_points"))
        {
            var expected = Rows(v.Get("pixel_points"));
            Assert.Equal(expected.Count, result.Points.Count);
            for (int i = 0; i < expected.Count; i++)
                AssertClose(expected[i], [result.Points[i].Pixels.X, result.Points[i].Pixels.Y], $"{caseId}: pixel_points[{i}]");
        }
        if (v.Has("labels"))
        {
            var labels = v.Get("labels");
            if (labels.ValueKind == JsonValueKind.Null) Assert.Null(result.Labels);
            else Assert.Equal(labels.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Null ? null : l.GetString()).ToList(), result.Labels);
        }
    }

    static List<double[]> Rows(JsonElement rows) => rows.EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToList();

    static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= PixelTolerance,
                $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (tolerance {PixelTolerance})");
    }
}
