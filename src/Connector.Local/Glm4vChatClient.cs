using System.Runtime.CompilerServices;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

namespace Glm4vSK.Connector;

/// <summary>
/// <see cref="IChatClient"/> over a local <see cref="Glm4vEngine"/>. Streams one assistant message per turn
/// (reasoning as <see cref="TextReasoningContent"/>, the answer as <see cref="TextContent"/>, each complete tool call as
/// a <see cref="FunctionCallContent"/>), then one final update with <see cref="UsageContent"/> (its
/// <c>ReasoningTokenCount</c>: the generated tokens of the think block, closing tag included; its
/// <c>CachedInputTokenCount</c>: the prompt tokens the engine reused from its prefix cache) and the finish reason.
/// Each update's <c>RawRepresentation</c> is the <see cref="GeneratedToken"/> that completed it (the last token for
/// text held back to the end, and for the final update). Thread-safe: requests queue on the engine. Cancelling stops generation and frees its memory at once.
/// </summary>
public sealed partial class Glm4vChatClient : IChatClient
{
    readonly IGenerationBackend _backend;
    readonly Glm4vChatClientOptions _options;
    readonly ChatClientMetadata _metadata;
    readonly string _modelId;

    /// <summary>A client over a loaded engine (shared: the engine queues requests; disposing the client does not dispose it).</summary>
    public Glm4vChatClient(Glm4vEngine engine, Glm4vChatClientOptions? options = null)
        : this(new EngineBackend(engine ?? throw new ArgumentNullException(nameof(engine))), options) { }

    internal Glm4vChatClient(IGenerationBackend backend, Glm4vChatClientOptions? options = null)
    {
        _backend = backend ?? throw new ArgumentNullException(nameof(backend));
        _options = options ?? new Glm4vChatClientOptions();
        string dir = Path.GetFullPath(backend.ModelDirectory).TrimEnd(Path.DirectorySeparatorChar);
        _modelId = _options.ModelId ?? Path.GetFileName(dir);
        _metadata = new ChatClientMetadata(LocalEngine.Telemetry.EngineTelemetryNames.ProviderName, new Uri("file://" + dir), _modelId);
    }

    /// <summary>The client-wide defaults this client was made with.</summary>
    internal Glm4vChatClientOptions Options => _options;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var processor = _backend.Processor;
        var request = ChatOptionsMapper.Map(messages, options, _options, processor.Template.Family, this);
        var sampling = request.ThinkingBudget is int budget && processor.Tokenizer.TryGetTokenId(GlmTags.ThinkEnd, out int thinkEnd)
            ? request.Sampling with { ThinkingBudget = budget, ThinkEndTokenId = thinkEnd }
            : request.Sampling;
        using var prompt = await processor.PrepareAsync(request.Messages, request.Prompt, cancellationToken).ConfigureAwait(false);
        using var inputs = request.ForcedPrefix is null ? null : WithPrefix(prompt, processor.Tokenizer.Encode(request.ForcedPrefix));

        var parser = new GlmStreamingParser(request.Parser);
        if (request.ForcedPrefix is not null) _ = parser.Push(request.ForcedPrefix); // the parser sees the forced start; it is not output text
        var stops = new StopSequenceMatcher(request.StopSequences);
        var turn = new TurnIds(_modelId);
        int generated = 0, calls = 0;
        GenerationFinishReason? finish = null;
        GeneratedToken? last = null;
        var reasoningTokens = new ReasoningTokenCounter();

        await foreach (var token in _backend.GenerateAsync(inputs ?? prompt.Inputs, sampling, cancellationToken).ConfigureAwait(false))
        {
            generated++;
            last = token;
            finish = token.FinishReason ?? finish;
            reasoningTokens.Token(token.TextDelta);
            string text = stops.Push(token.TextDelta);
            foreach (var update in Map(reasoningTokens.Saw(parser.Push(text)), turn, request.IncludeReasoning, ref calls, token)) yield return update;
            if (stops.Stopped) { finish = GenerationFinishReason.Stop; break; }
        }
        // Held-back text comes out now: the last token is the one that ended it.
        foreach (var update in Map(reasoningTokens.Saw(parser.Push(stops.Flush())), turn, request.IncludeReasoning, ref calls, last)) yield return update;
        foreach (var update in Map(reasoningTokens.Saw(parser.Complete()), turn, request.IncludeReasoning, ref calls, last)) yield return update;

        var usage = new UsageDetails
        {
            InputTokenCount = prompt.TokenCount,
            OutputTokenCount = generated,
            TotalTokenCount = prompt.TokenCount + generated,
            CachedInputTokenCount = last?.CachedPromptTokens ?? 0,
            ReasoningTokenCount = reasoningTokens.Count,
        };
        var final = turn.Update([new UsageContent(usage)], last);
        final.FinishReason = calls > 0 ? ChatFinishReason.ToolCalls : finish == GenerationFinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
        yield return final;
    }

    static ModelInputs WithPrefix(PreparedPrompt prompt, IReadOnlyList<int> prefix)
    {
        var ids = prompt.TokenIds.Concat(prefix).ToList();
        var p = prompt.Inputs;
        return ModelInputs.FromTokens([ids], 0, p.PixelValues?.clone(), p.ImageGrids, p.PixelValuesVideos?.clone(), p.VideoGrids);
    }

    /// <summary>The updates of <paramref name="events"/>, each carrying <paramref name="token"/> (the token that completed it) as its raw representation.</summary>
    static List<ChatResponseUpdate> Map(IReadOnlyList<GlmOutputEvent> events, TurnIds turn, bool includeReasoning, ref int calls, GeneratedToken? token)
    {
        var updates = new List<ChatResponseUpdate>();
        foreach (var e in events)
        {
            switch (e)
            {
                case ReasoningDelta r when includeReasoning && r.Text.Length > 0:
                    updates.Add(turn.Update([new TextReasoningContent(r.Text)], token));
                    break;
                case ContentDelta c when c.Text.Length > 0:
                    updates.Add(turn.Update([new TextContent(c.Text)], token));
                    break;
                case ToolCallCompleted call:
                    calls++;
                    updates.Add(turn.Update([new FunctionCallContent(TurnIds.NewCallId(), call.Name, new Dictionary<string, object?>(call.Arguments))], token));
                    break;
            }
        }
        return updates;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        if (_backend is EngineBackend eb && serviceType.IsInstanceOfType(eb.Engine)) return eb.Engine;
        if (_backend is LazyEngineBackend lazy && serviceType == typeof(Glm4vEngine)) return lazy.Engine; // loads the model if need be
        if (serviceType.IsInstanceOfType(_backend)) return _backend;
        if (serviceType == typeof(Glm4vProcessor)) return _backend.Processor;
        if (serviceType == typeof(Glm4vTokenizer)) return _backend.Processor.Tokenizer;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>The engine is owned by the caller (it may serve several clients) and is not disposed here.</summary>
    public void Dispose() { }
}

/// <summary>The ids every update of one assistant turn shares.</summary>
internal sealed class TurnIds(string modelId)
{
    public string ResponseId { get; } = "resp_" + Guid.NewGuid().ToString("N");
    public string MessageId { get; } = "msg_" + Guid.NewGuid().ToString("N");
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

    public static string NewCallId() => "call_" + Guid.NewGuid().ToString("N")[..24];

    /// <param name="token">The engine's token that completed the update (its raw representation), if any.</param>
    public ChatResponseUpdate Update(IList<AIContent> contents, GeneratedToken? token = null) => new(ChatRole.Assistant, contents)
    {
        ResponseId = ResponseId,
        MessageId = MessageId,
        CreatedAt = CreatedAt,
        ModelId = modelId,
        RawRepresentation = token,
    };
}
