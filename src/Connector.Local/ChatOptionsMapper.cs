using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

namespace Glm4vSK.Connector;

/// <summary>One request, translated: what the processor, the sampler and the output parser need.</summary>
internal sealed record GlmRequest(
    IReadOnlyList<ChatMessage> Messages,
    PromptOptions Prompt,
    SamplingOptions Sampling,
    GlmParserOptions Parser,
    bool IncludeReasoning,
    IReadOnlyList<string> StopSequences,
    string? ForcedPrefix,
    int? ThinkingBudget);

/// <summary>
/// All translation from <see cref="ChatOptions"/> to the engine in one place. Honoured: Temperature, TopP, TopK,
/// FrequencyPenalty, PresencePenalty (over the generated tokens, as vLLM), MaxOutputTokens, StopSequences (matched on the decoded text), Seed, Tools, ToolMode (None hides the tools; Required
/// starts the answer with <c>&lt;tool_call&gt;</c>, RequireSpecific also with the name), Reasoning (Effort None →
/// thinking off; Low / Medium → a thinking budget of 1024 / 4096 tokens, after which <c>&lt;/think&gt;</c> is forced;
/// Output None → no reasoning content), ResponseFormat (JSON / JSON schema as a prompt instruction),
/// Instructions (a leading system message), RawRepresentationFactory (may return <see cref="SamplingOptions"/>), and
/// AdditionalProperties <c>min_pixels</c>, <c>max_pixels</c>, <c>video_min_pixels</c>, <c>video_max_pixels</c>,
/// <c>repetition_penalty</c>, <c>min_p</c>, <c>enable_thinking</c>, <c>thinking_budget</c> (tokens) (<c>min_pixels</c> / <c>max_pixels</c> default to the client's
/// <see cref="Glm4vChatClientOptions.MinPixels"/> / <see cref="Glm4vChatClientOptions.MaxPixels"/>). Function results
/// holding Semantic Kernel content (<c>ImageContent</c>, ...) become MEAI content first (<see cref="KernelContentResults"/>).
/// Ignored (documented): ModelId (one model per engine), ConversationId (no server-side state),
/// AllowMultipleToolCalls, AllowBackgroundResponses, ContinuationToken. The options are read, never mutated.
/// </summary>
internal static class ChatOptionsMapper
{
    public static GlmRequest Map(IEnumerable<ChatMessage> messages, ChatOptions? o, Glm4vChatClientOptions defaults, ChatTemplateFamily family, IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = KernelContentResults.Normalize(messages);
        if (!string.IsNullOrEmpty(o?.Instructions)) list.Insert(0, new ChatMessage(ChatRole.System, o!.Instructions));

        var baseSampling = o?.RawRepresentationFactory?.Invoke(client) as SamplingOptions ?? new SamplingOptions();
        var extra = o?.AdditionalProperties;
        bool? thinking = defaults.EnableThinking;
        if (o?.Reasoning?.Effort == ReasoningEffort.None) thinking = false;
        if (AdditionalProperty.TryGet<bool>(extra, "enable_thinking", out var et)) thinking = et;
        bool includeReasoning = defaults.IncludeReasoning && o?.Reasoning?.Output != ReasoningOutput.None;

        IReadOnlyList<AITool>? tools = null;
        string? forced = null;
        if (o?.Tools is { Count: > 0 } && o.ToolMode is not NoneChatToolMode)
        {
            var declared = new List<AITool>();
            foreach (var tool in o.Tools)
            {
                if (tool is AIFunctionDeclaration) declared.Add(tool);
                else throw new NotSupportedException($"Tool '{tool.Name}' ({tool.GetType().Name}) is a hosted tool; GLM-4V models call only functions (AIFunctionDeclaration).");
            }
            if (family == ChatTemplateFamily.Glm41v)
                throw new NotSupportedException("The GLM-4.1V chat template has no tool support; use a GLM-4.5V/4.6V-family checkpoint for function calling.");
            tools = declared;
            if (o.ToolMode is RequiredChatToolMode required)
            {
                thinking = false; // the call must come first
                forced = required.RequiredFunctionName is { } name ? $"{GlmTags.ToolCallStart}{name}\n" : GlmTags.ToolCallStart;
            }
        }

        if (o?.ResponseFormat is ChatResponseFormatJson json)
        {
            string instruction = json.Schema is { } schema
                ? $"Respond with a JSON value conforming to the following schema:\n```\n{schema.GetRawText()}\n```"
                : "Respond with a JSON value.";
            list.Add(new ChatMessage(ChatRole.User, instruction));
        }

        var prompt = new PromptOptions
        {
            Tools = tools,
            EnableThinking = thinking,
            MinPixels = GetLong(extra, "min_pixels") ?? defaults.MinPixels,
            MaxPixels = GetLong(extra, "max_pixels") ?? defaults.MaxPixels,
            VideoMinPixels = GetLong(extra, "video_min_pixels"),
            VideoMaxPixels = GetLong(extra, "video_max_pixels"),
        };
        var sampling = baseSampling with
        {
            Temperature = o?.Temperature ?? baseSampling.Temperature,
            TopP = o?.TopP ?? baseSampling.TopP,
            TopK = o?.TopK ?? (AdditionalProperty.TryGet<int>(extra, "top_k", out var tk) ? tk : baseSampling.TopK),
            MaxNewTokens = o?.MaxOutputTokens ?? baseSampling.MaxNewTokens ?? defaults.MaxOutputTokens,
            Seed = o?.Seed ?? baseSampling.Seed,
            RepetitionPenalty = AdditionalProperty.TryGet<float>(extra, "repetition_penalty", out var rp) ? rp : baseSampling.RepetitionPenalty,
            FrequencyPenalty = o?.FrequencyPenalty ?? baseSampling.FrequencyPenalty,
            PresencePenalty = o?.PresencePenalty ?? baseSampling.PresencePenalty,
            MinP = AdditionalProperty.TryGet<float>(extra, "min_p", out var mp) ? mp : baseSampling.MinP,
        };
        if (o?.Temperature is 0f) sampling = sampling with { DoSample = false };
        else if (o?.Temperature is > 0f || o?.TopP is not null || o?.TopK is not null) sampling = sampling with { DoSample = sampling.DoSample ?? true };

        var schemas = tools?.OfType<AIFunctionDeclaration>().ToDictionary(t => t.Name, t => t.JsonSchema);
        var parser = new GlmParserOptions
        {
            // GLM-4.1V always thinks; the 4.5V family thinks unless switched off.
            ThinkingEnabled = family == ChatTemplateFamily.Glm41v || thinking != false,
            ToolSchemas = schemas,
            ParseToolCalls = tools is not null,
        };
        int? budget = AdditionalProperty.TryGet<int>(extra, "thinking_budget", out var tb) ? tb : o?.Reasoning?.Effort switch
        {
            ReasoningEffort.Low => 1024,
            ReasoningEffort.Medium => 4096,
            _ => null,
        };
        if (parser.ThinkingEnabled is false) budget = null;
        return new GlmRequest(list, prompt, sampling, parser, includeReasoning, o?.StopSequences?.ToList() ?? [], forced, budget);
    }

    static long? GetLong(AdditionalPropertiesDictionary? d, string key) => AdditionalProperty.TryGet<long>(d, key, out var v) ? v : null;
}
