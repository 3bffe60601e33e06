using System.Text;
using System.Text.Json;
using Glm4vSK.Formats;

namespace Glm4vSK.Formats.Testing;

/// <summary>One tool call as seen through the stream.</summary>
public sealed record StreamedCall(int Index, string Name, string JoinedFragments, ToolCallCompleted? Completed);

/// <summary>
/// The events of one output with adjacent deltas of one kind merged: what must not depend on how the text was chunked.
/// </summary>
public sealed class MergedOutput
{
    public required IReadOnlyList<string> Segments { get; init; }
    public required string? Reasoning { get; init; }
    public required string? Content { get; init; }
    public required IReadOnlyList<StreamedCall> Calls { get; init; }

    public IEnumerable<StreamedCall> CompletedCalls => Calls.Where(c => c.Completed is not null);

    public static MergedOutput Parse(GlmParserOptions options, IEnumerable<string> chunks)
    {
        var parser = new GlmStreamingParser(options);
        var events = new List<GlmOutputEvent>();
        foreach (string chunk in chunks) events.AddRange(parser.Push(chunk));
        events.AddRange(parser.Complete());
        return From(events);
    }

    public static MergedOutput From(IEnumerable<GlmOutputEvent> events)
    {
        var segments = new List<string>();
        string? lastKey = null;
        var current = new StringBuilder();
        StringBuilder? reasoning = null, content = null;
        var calls = new SortedDictionary<int, (string Name, StringBuilder Json, ToolCallCompleted? Done)>();

        void Flush()
        {
            if (lastKey is not null) segments.Add(lastKey + current);
            lastKey = null;
            current.Clear();
        }

        void Delta(string key, string text)
        {
            if (lastKey != key) Flush();
            lastKey = key;
            current.Append(text);
        }

        foreach (var e in events)
        {
            switch (e)
            {
                case ReasoningDelta r:
                    Delta("R|", r.Text);
                    (reasoning ??= new StringBuilder()).Append(r.Text);
                    break;
                case ContentDelta c:
                    Assert.NotEmpty(c.Text);
                    Delta("C|", c.Text);
                    (content ??= new StringBuilder()).Append(c.Text);
                    break;
                case ToolCallStarted s:
                    Flush();
                    segments.Add($"S|{s.Index}|{s.Name}");
                    Assert.False(calls.ContainsKey(s.Index), $"call {s.Index} started twice");
                    calls[s.Index] = (s.Name, new StringBuilder(), null);
                    break;
                case ToolCallArgumentsDelta a:
                    Assert.True(calls.ContainsKey(a.Index), $"arguments for call {a.Index} before it started");
                    Assert.Null(calls[a.Index].Done);
                    Delta($"A|{a.Index}|", a.JsonFragment);
                    calls[a.Index].Json.Append(a.JsonFragment);
                    break;
                case ToolCallCompleted d:
                    Flush();
                    segments.Add($"D|{d.Index}|{d.Name}|{PythonJson.Serialize(d.Arguments, replaceLoneSurrogates: true)}|{d.RawText}");
                    Assert.True(calls.ContainsKey(d.Index), $"call {d.Index} completed without starting");
                    Assert.Equal(calls[d.Index].Name, d.Name);
                    calls[d.Index] = (d.Name, calls[d.Index].Json, d);
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"Unknown event {e}.");
            }
        }
        Flush();
        return new MergedOutput
        {
            Segments = segments,
            Reasoning = reasoning?.ToString(),
            Content = content?.ToString(),
            Calls = calls.Select(kv => new StreamedCall(kv.Key, kv.Value.Name, kv.Value.Json.ToString(), kv.Value.Done)).ToList(),
        };
    }

    /// <summary>Every completed call's fragments join to valid JSON equal to its arguments.</summary>
    public void AssertFragmentsMatchArguments(string context)
    {
        foreach (var call in CompletedCalls)
        {
            JsonElement joined;
            try
            {
                joined = JsonDocument.Parse(call.JoinedFragments).RootElement;
            }
            catch (JsonException e)
            {
                throw new Xunit.Sdk.XunitException($"{context}: call {call.Index} fragments are not valid JSON: {call.JoinedFragments} ({e.Message})");
            }
            Assert.Equal(JsonValueKind.Object, joined.ValueKind);
            JsonCompare.AssertEqual(JsonCompare.Of(call.Completed!.Arguments), joined, $"{context}: call {call.Index} fragments vs completed arguments");
        }
    }
}
