using System.Text.Json;
using Glm4vSK.Formats;

namespace Glm4vSK.Formats.Testing;

/// <summary>
/// The streaming parser's merged events are the same however the text is cut, and agree with the non-streaming
/// parsers (used by the parser tests and by the connector tests for the texts they build).
/// </summary>
public static class StreamingEquivalence
{
    public static void AssertEquivalent(string text, GlmParserOptions options, IEnumerable<IEnumerable<string>> cuts, string context)
    {
        var whole = MergedOutput.Parse(options, [text]);
        whole.AssertFragmentsMatchArguments(context);
        foreach (var cut in cuts)
        {
            var pieces = cut.ToList();
            var merged = MergedOutput.Parse(options, pieces);
            if (!whole.Segments.SequenceEqual(merged.Segments))
                throw new Xunit.Sdk.XunitException(
                    $"{context}: cut {JsonSerializer.Serialize(pieces)} gives\n  {string.Join("\n  ", merged.Segments)}\nbut one push gives\n  {string.Join("\n  ", whole.Segments)}");
        }

        // Agreement with the non-streaming parsers.
        var split = ReasoningParser.Parse(text, options);
        Assert.True(split.Reasoning == whole.Reasoning, $"{context}: reasoning {Show(whole.Reasoning)} streamed, {Show(split.Reasoning)} non-streaming");
        if (!options.ParseToolCalls)
        {
            Assert.True(split.Content == whole.Content, $"{context}: content {Show(whole.Content)} streamed, {Show(split.Content)} non-streaming");
            Assert.Empty(whole.Calls);
            return;
        }
        var tools = Glm45ToolCallParser.Parse(split.Content ?? "", options.ToolSchemas);
        Assert.True(tools.TextOutsideCalls == whole.Content, $"{context}: content {Show(whole.Content)} streamed, text outside calls {Show(tools.TextOutsideCalls)} non-streaming");
        var completed = whole.CompletedCalls.ToList();
        Assert.Equal(tools.ToolCalls.Count, completed.Count);
        for (int i = 0; i < completed.Count; i++)
        {
            Assert.Equal(tools.ToolCalls[i].Name, completed[i].Name);
            Assert.Equal(tools.ToolCalls[i].RawText, completed[i].Completed!.RawText);
            Assert.Equal(tools.ToolCalls[i].ArgumentsJson, PythonJson.Serialize(completed[i].Completed!.Arguments, replaceLoneSurrogates: true));
        }
    }

    static string Show(string? s) => s is null ? "null" : JsonSerializer.Serialize(s);
}
