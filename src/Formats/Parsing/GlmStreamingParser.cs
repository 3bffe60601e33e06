
namespace Glm4vSK.Formats;

/// <summary>
/// Turns GLM output text, pushed as it is generated, into reasoning, content and tool-call events. The one parser the
/// local-engine and remote chat clients share; it applies <see cref="ReasoningParser"/>'s think/answer rules and the
/// GLM-4.5 <c>&lt;tool_call&gt;</c> format (<see cref="Glm45ToolCallParser"/>) incrementally.
/// </summary>
/// <remarks>
/// <para>Pipeline: text from the first stop token (<see cref="GlmTags.StopTokens"/>) on is dropped and special tokens
/// that are not text (<see cref="GlmTags.NonTextTokens"/>) are removed; the think split sends
/// reasoning out as <see cref="ReasoningDelta"/>; with <see cref="GlmParserOptions.ExtractAnswer"/> only the
/// <c>&lt;answer&gt;</c> body goes on; tool calls are parsed out of the content; everything else is
/// <see cref="ContentDelta"/>. Tool calls inside the think block are reasoning text (as in vLLM, where the reasoning
/// parser runs first).</para>
/// <para>Any chunking of the same text gives the same events once adjacent deltas of one kind are merged: a piece of
/// text is released as soon as no later text can change its role, and held back otherwise (a possible tag start, the
/// undecided prelude before the first think tag with thinking on, an unclosed non-string argument value).</para>
/// <para>Unlike vLLM's non-streaming parser, content is all text outside tool calls, including text between and after
/// them (vLLM's streaming behaviour). A malformed block (no newline after the name, empty name, a value nested too
/// deep) and, at <see cref="Complete"/>, an unterminated block are content with their raw text; such a block may already
/// have produced <see cref="ToolCallStarted"/>/<see cref="ToolCallArgumentsDelta"/> and then never completes.</para>
/// <para>Not thread-safe; one instance per output.</para>
/// </remarks>
public sealed class GlmStreamingParser
{
    readonly SpecialTokenFilter _special = new();
    readonly ReasoningSplitter _reasoning;
    readonly AnswerFilter? _answer;
    readonly ToolCallStreamer _tools;
    List<GlmOutputEvent> _sink = [];
    bool _completed;

    public GlmStreamingParser(GlmParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _tools = new ToolCallStreamer(options.ToolSchemas, options.ParseToolCalls);
        if (options.ExtractAnswer) _answer = new AnswerFilter(text => _tools.Push(text, _sink));
        _reasoning = new ReasoningSplitter(options, _answer is { } a ? a.Push : text => _tools.Push(text, _sink));
    }

    public GlmParserOptions Options { get; }

    /// <summary>Feeds the next piece of output; returns the events it completes (possibly none).</summary>
    public IReadOnlyList<GlmOutputEvent> Push(string textDelta)
    {
        ArgumentNullException.ThrowIfNull(textDelta);
        if (_completed) throw new InvalidOperationException("The output was already completed.");
        _sink = [];
        _reasoning.Push(_special.Push(textDelta), _sink);
        return _sink;
    }

    /// <summary>
    /// Ends the output: flushes held-back text. An unterminated think block is reasoning (thinking on) or content
    /// (thinking off); an unterminated tool call is content with its raw text.
    /// </summary>
    public IReadOnlyList<GlmOutputEvent> Complete()
    {
        if (_completed) throw new InvalidOperationException("The output was already completed.");
        _completed = true;
        _sink = [];
        _reasoning.Push(_special.Complete(), _sink);
        _reasoning.Complete(_sink);
        _answer?.Complete();
        _tools.Complete(_sink);
        return _sink;
    }

    /// <summary>Parses a complete output in one go: <see cref="Push"/> then <see cref="Complete"/>.</summary>
    public static IReadOnlyList<GlmOutputEvent> ParseAll(string text, GlmParserOptions options)
    {
        var parser = new GlmStreamingParser(options);
        var events = new List<GlmOutputEvent>(parser.Push(text));
        events.AddRange(parser.Complete());
        return events;
    }
}
