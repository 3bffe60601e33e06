using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.Formats;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector.Remote;

/// <summary>One request for an OpenAI-compatible server: the JSON body, and how to parse what comes back.</summary>
internal sealed record RemoteRequest(JsonObject Body, string Model, GlmParserOptions Parser, bool IncludeReasoning);

/// <summary>
/// <see cref="ChatMessage"/>s and <see cref="ChatOptions"/> → an OpenAI chat-completions request body with the GLM
/// server extras (see <see cref="Glm4vRemoteChatClient"/> for the full list). The options are read, never mutated.
/// </summary>
internal static class RemoteRequestBuilder
{
    /// <summary>Request JSON: MEAI's defaults, not indented, without escaping <c>+</c>, <c>&lt;</c> and non-ASCII (base64 images stay compact).</summary>
    public static readonly JsonSerializerOptions Json = new(AIJsonUtilities.DefaultOptions) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    /// <summary>The text sent as a tool message's content when the tool's result was only images or videos.</summary>
    public const string MediaOnlyToolResult = "[The result is media; it is attached to the next user message.]";

    public static RemoteRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? o, string model, Glm4vRemoteOptions defaults, bool stream, IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        if (!string.IsNullOrEmpty(o?.Instructions)) list.Insert(0, new ChatMessage(ChatRole.System, o!.Instructions));
        var extra = o?.AdditionalProperties;
        bool vllm = defaults.Dialect == Glm4vServerDialect.OpenAICompatible;

        var body = o?.RawRepresentationFactory?.Invoke(client) is JsonObject seed ? (JsonObject)seed.DeepClone() : new JsonObject();
        string requestModel = o?.ModelId ?? model;
        body["model"] = requestModel;
        body["messages"] = MapMessages(list);
        if (stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        bool? thinking = defaults.EnableThinking;
        if (o?.Reasoning?.Effort == ReasoningEffort.None) thinking = false;
        if (AdditionalProperty.TryGet<bool>(extra, "enable_thinking", out var et)) thinking = et;
        bool thinkingOn = thinking ?? true;
        bool includeReasoning = defaults.IncludeReasoning && o?.Reasoning?.Output != ReasoningOutput.None;

        Set(body, "temperature", o?.Temperature);
        Set(body, "top_p", o?.TopP);
        Set(body, "max_tokens", o?.MaxOutputTokens ?? defaults.MaxOutputTokens);
        Set(body, "seed", o?.Seed);
        Set(body, "frequency_penalty", o?.FrequencyPenalty);
        Set(body, "presence_penalty", o?.PresencePenalty);
        if (o?.StopSequences is { Count: > 0 } stops) body["stop"] = new JsonArray([.. stops.Select(s => (JsonNode?)JsonValue.Create(s))]);

        List<AIFunctionDeclaration>? tools = null;
        if (o?.Tools is { Count: > 0 } && o.ToolMode is not NoneChatToolMode)
        {
            tools = [];
            var array = new JsonArray();
            foreach (var tool in o.Tools)
            {
                if (tool is not AIFunctionDeclaration f)
                    throw new NotSupportedException($"Tool '{tool.Name}' ({tool.GetType().Name}) is a hosted tool; GLM-4V models call only functions (AIFunctionDeclaration).");
                tools.Add(f);
                var function = new JsonObject { ["name"] = f.Name };
                if (!string.IsNullOrEmpty(f.Description)) function["description"] = f.Description;
                function["parameters"] = JsonNode.Parse(f.JsonSchema.GetRawText());
                array.Add(new JsonObject { ["type"] = "function", ["function"] = function });
            }
            body["tools"] = array;
            switch (o.ToolMode)
            {
                case AutoChatToolMode: body["tool_choice"] = "auto"; break;
                case RequiredChatToolMode { RequiredFunctionName: { } name }:
                    body["tool_choice"] = new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = name } };
                    break;
                case RequiredChatToolMode: body["tool_choice"] = "required"; break;
            }
            if (o.AllowMultipleToolCalls is false) body["parallel_tool_calls"] = false;
        }

        if (o?.ResponseFormat is ChatResponseFormatJson json)
        {
            if (json.Schema is not { } schema) body["response_format"] = new JsonObject { ["type"] = "json_object" };
            else
            {
                var spec = new JsonObject { ["name"] = json.SchemaName ?? "response" };
                if (!string.IsNullOrEmpty(json.SchemaDescription)) spec["description"] = json.SchemaDescription;
                spec["schema"] = JsonNode.Parse(schema.GetRawText());
                body["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = spec };
            }
        }

        if (vllm)
        {
            // Keeps <|begin_of_box|> and the other markup in the text; the glm45 parsers work on it either way.
            body["skip_special_tokens"] = false;
            var kwargs = ObjectFrom(extra, "chat_template_kwargs") ?? new JsonObject();
            kwargs["enable_thinking"] = thinkingOn;
            body["chat_template_kwargs"] = kwargs;
            int? topK = o?.TopK ?? (AdditionalProperty.TryGet<int>(extra, "top_k", out var tk) ? tk : null);
            Set(body, "top_k", topK);
            Set(body, "repetition_penalty", AdditionalProperty.TryGet<double>(extra, "repetition_penalty", out var rp) ? rp : null);
            Set(body, "min_p", AdditionalProperty.TryGet<double>(extra, "min_p", out var mp) ? mp : null);
            if (AdditionalProperty.TryGet<string>(extra, "cache_salt", out var salt)) body["cache_salt"] = salt;
            var mm = MultimodalKwargs(extra);
            if (mm is not null) body["mm_processor_kwargs"] = mm;
        }
        else
        {
            body["thinking"] = new JsonObject { ["type"] = thinkingOn ? "enabled" : "disabled" };
        }

        if (ObjectFrom(extra, "extra_body") is { } extraBody)
            foreach (var (key, value) in extraBody.ToList())
            {
                extraBody.Remove(key);
                body[key] = value;
            }

        var parser = new GlmParserOptions
        {
            ThinkingEnabled = thinkingOn,
            ToolSchemas = tools is null ? null : AIToolSchemas.FromTools(tools),
            ParseToolCalls = tools is not null,
            ExtractAnswer = defaults.ExtractAnswer,
        };
        return new RemoteRequest(body, requestModel, parser, includeReasoning);
    }

    /// <summary>
    /// <c>mm_processor_kwargs</c>: <c>AdditionalProperties["mm_processor_kwargs"]</c> as given, plus <c>min_pixels</c> /
    /// <c>max_pixels</c> as the GLM-4V image processor's <c>size = {"shortest_edge", "longest_edge"}</c> (same units as the
    /// local engine: pixels of the two temporal frames together). The processor wants both bounds, so a missing one
    /// takes the published GLM-4V default (12544 / 9633792).
    /// </summary>
    static JsonObject? MultimodalKwargs(AdditionalPropertiesDictionary? extra)
    {
        var mm = ObjectFrom(extra, "mm_processor_kwargs");
        bool hasMin = AdditionalProperty.TryGet<long>(extra, "min_pixels", out var min);
        bool hasMax = AdditionalProperty.TryGet<long>(extra, "max_pixels", out var max);
        if ((hasMin || hasMax) && mm?.ContainsKey("size") != true)
        {
            mm ??= new JsonObject();
            mm["size"] = new JsonObject { ["shortest_edge"] = hasMin ? min : 12544, ["longest_edge"] = hasMax ? max : 9633792 };
        }
        return mm;
    }

    static void Set(JsonObject body, string key, float? value)
    {
        if (value is { } v) body[key] = v;
    }

    static void Set(JsonObject body, string key, double? value)
    {
        if (value is { } v) body[key] = v;
    }

    static void Set(JsonObject body, string key, long? value)
    {
        if (value is { } v) body[key] = v;
    }

    static JsonObject? ObjectFrom(AdditionalPropertiesDictionary? extra, string key)
    {
        if (extra is null || !extra.TryGetValue(key, out var raw) || raw is null) return null;
        var node = raw as JsonNode ?? JsonSerializer.SerializeToNode(raw, Json.GetTypeInfo(typeof(object)));
        if (node is JsonObject obj) return (JsonObject)obj.DeepClone();
        throw new ArgumentException($"ChatOptions.AdditionalProperties['{key}'] must be a JSON object (a dictionary, JsonObject or JsonElement object).");
    }

    // ---- messages ----

    static JsonArray MapMessages(IReadOnlyList<ChatMessage> list)
    {
        var output = new JsonArray();
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var pendingMedia = new JsonArray(); // images/videos of the current run of tool messages

        void Add(JsonObject message, bool tool = false)
        {
            if (!tool && pendingMedia.Count > 0)
            {
                output.Add(new JsonObject { ["role"] = "user", ["content"] = pendingMedia });
                pendingMedia = new JsonArray();
            }
            output.Add(message);
        }

        for (int mi = 0; mi < list.Count; mi++)
        {
            var m = list[mi] ?? throw new ArgumentException($"Message {mi} is null.");
            if (m.Role == ChatRole.Assistant)
            {
                Add(Assistant(m, callNames));
                continue;
            }
            string role = m.Role == ChatRole.System || m.Role.Value == "developer" ? "system"
                : m.Role == ChatRole.User || m.Role == ChatRole.Tool ? "user"
                : throw new ArgumentException($"Message {mi}: role '{m.Role.Value}' is not supported (system, user, assistant or tool).");
            var parts = new List<JsonObject>();
            for (int ci = 0; ci < m.Contents.Count; ci++)
            {
                switch (m.Contents[ci])
                {
                    case FunctionResultContent result:
                        if (parts.Count > 0) Add(UserLike(role, parts));
                        parts = [];
                        var (toolMessage, media) = ToolResult(result, callNames, mi, ci);
                        Add(toolMessage, tool: true); // tool messages stay together; their media follow the run
                        foreach (var part in media) pendingMedia.Add(part);
                        break;
                    case TextContent t:
                        parts.Add(new JsonObject { ["type"] = "text", ["text"] = t.Text ?? "" });
                        break;
                    case DataContent or UriContent or VideoFramesContent:
                        parts.Add(MediaPart(m.Contents[ci], mi, ci));
                        break;
                    case UsageContent or TextReasoningContent:
                        break;
                    case null:
                        throw new InvalidMediaException("the content is null.", mi, ci);
                    default:
                        throw new InvalidMediaException($"{m.Contents[ci].GetType().Name} cannot be sent to a GLM-4V server.", mi, ci);
                }
            }
            // A tool-role message holds only results; other messages always produce a message (possibly empty).
            if (parts.Count > 0 || (m.Role != ChatRole.Tool && !m.Contents.OfType<FunctionResultContent>().Any())) Add(UserLike(role, parts));
        }
        if (pendingMedia.Count > 0) output.Add(new JsonObject { ["role"] = "user", ["content"] = pendingMedia });
        return output;
    }

    static JsonObject UserLike(string role, List<JsonObject> parts)
    {
        JsonNode content = parts.All(p => (string?)p["type"] == "text")
            ? JsonValue.Create(string.Concat(parts.Select(p => (string?)p["text"])))
            : new JsonArray([.. parts]);
        return new JsonObject { ["role"] = role, ["content"] = content };
    }

    static JsonObject Assistant(ChatMessage m, Dictionary<string, string> callNames)
    {
        string text = string.Concat(m.Contents.OfType<TextContent>().Select(t => t.Text));
        var reasoning = m.Contents.OfType<TextReasoningContent>().ToList();
        var calls = new JsonArray();
        foreach (var call in m.Contents.OfType<FunctionCallContent>())
        {
            callNames[call.CallId] = call.Name;
            calls.Add(new JsonObject
            {
                ["id"] = call.CallId,
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = call.Name,
                    ["arguments"] = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), Json.GetTypeInfo(typeof(IDictionary<string, object?>))),
                },
            });
        }
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text.Length == 0 && calls.Count > 0 ? null : text };
        // The GLM-4.5V/4.6V template re-renders reasoning of assistant turns inside a tool loop from reasoning_content.
        if (reasoning.Count > 0) message["reasoning_content"] = string.Concat(reasoning.Select(r => r.Text));
        if (calls.Count > 0) message["tool_calls"] = calls;
        return message;
    }

    /// <summary>
    /// A function result → a <c>tool</c> message with its text, and the image/video parts that go into the user message
    /// that follows the run of tool messages (OpenAI tool messages carry text only).
    /// </summary>
    static (JsonObject Message, List<JsonObject> Media) ToolResult(FunctionResultContent result, Dictionary<string, string> callNames, int mi, int ci)
    {
        var texts = new List<string>();
        var media = new List<JsonObject>();
        if (result.Result is null && result.Exception is { } error) texts.Add("Error: " + error.Message);
        else Flatten(result.Result, texts, media, mi, ci, top: true);
        string content = texts.Count > 0 ? string.Join("\n", texts) : media.Count > 0 ? MediaOnlyToolResult : "";
        var message = new JsonObject { ["role"] = "tool", ["tool_call_id"] = result.CallId, ["content"] = content };
        if (media.Count > 0)
        {
            string name = callNames.TryGetValue(result.CallId, out var n) ? n : "tool";
            media.Insert(0, new JsonObject { ["type"] = "text", ["text"] = $"Returned by the {name} tool call:" });
        }
        return (message, media);
    }

    static void Flatten(object? value, List<string> texts, List<JsonObject> media, int mi, int ci, bool top)
    {
        switch (value)
        {
            case null:
                if (!top) texts.Add("None");
                break;
            case string s:
                texts.Add(s);
                break;
            case TextContent t:
                texts.Add(t.Text ?? "");
                break;
            case DataContent d when d.HasTopLevelMediaType("image") || d.HasTopLevelMediaType("video"):
            case UriContent u when u.HasTopLevelMediaType("image") || u.HasTopLevelMediaType("video"):
            case VideoFramesContent:
                media.Add(MediaPart((AIContent)value, mi, ci));
                break;
            case IEnumerable<AIContent> items:
                foreach (var item in items) Flatten(item, texts, media, mi, ci, top: false);
                break;
            case JsonElement { ValueKind: JsonValueKind.String } e:
                texts.Add(e.GetString()!);
                break;
            case JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined }:
                break;
            case JsonElement e when SerializedMedia(e) is { } content:
                // A kernel-bound AIFunction serializes DataContent to {"$type":"data","uri":"data:image/…"}.
                media.Add(MediaPart(content, mi, ci));
                break;
            case JsonElement { ValueKind: JsonValueKind.Array } e when e.EnumerateArray().Any(x => SerializedMedia(x) is not null):
                foreach (var item in e.EnumerateArray()) Flatten(item.Clone(), texts, media, mi, ci, top: false);
                break;
            default:
                texts.Add(JsonSerializer.Serialize(value, Json.GetTypeInfo(typeof(object))));
                break;
        }
    }

    static DataContent? SerializedMedia(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("$type", out var type) || !type.ValueEquals("data")
            || !e.TryGetProperty("uri", out var uri) || uri.ValueKind != JsonValueKind.String) return null;
        string s = uri.GetString()!;
        if (!s.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase) && !s.StartsWith("data:video/", StringComparison.OrdinalIgnoreCase)) return null;
        try { return new DataContent(s); }
        catch (Exception ex) when (ex is FormatException or ArgumentException) { return null; }
    }

    static JsonObject MediaPart(AIContent content, int mi, int ci)
    {
        (string url, bool image, bool video, string mediaType) = content switch
        {
            DataContent d => (d.Uri, d.HasTopLevelMediaType("image"), d.HasTopLevelMediaType("video"), d.MediaType),
            UriContent u => (u.Uri.AbsoluteUri, u.HasTopLevelMediaType("image"), u.HasTopLevelMediaType("video"), u.MediaType),
            VideoFramesContent => throw new NotSupportedException(
                $"Message {mi}, content {ci}: VideoFramesContent holds decoded frames, which an OpenAI-compatible server cannot take; send the video itself (DataContent or UriContent with a video/* type)."),
            _ => throw new InvalidMediaException($"{content.GetType().Name} is not media.", mi, ci),
        };
        if (image) return new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } };
        if (video) return new JsonObject { ["type"] = "video_url", ["video_url"] = new JsonObject { ["url"] = url } };
        throw new InvalidMediaException($"media type '{mediaType}' is not supported: GLM-4V models read images (image/*) and videos (video/*).", mi, ci, mediaType);
    }
}
