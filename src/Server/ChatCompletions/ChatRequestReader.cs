using System.Globalization;
using System.Text.Json;
using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Server.ChatCompletions;

/// <summary>
/// Reads a Chat Completions body as vLLM accepts it for GLM-4.xV into messages and <see cref="ChatOptions"/>, with
/// the same <c>AdditionalProperties</c> keys the local client reads (<c>top_k</c> → <c>TopK</c>,
/// <c>repetition_penalty</c>, <c>min_p</c>, <c>enable_thinking</c>, <c>max_pixels</c>). Every field is type-checked; a wrong type or
/// value is a 400 naming its path. Unknown fields are ignored, as vLLM does. Media: data URLs become
/// <see cref="DataContent"/> (a malformed one is a 400), http(s) URLs <see cref="UriContent"/> only when the policy
/// allows them; <c>file:</c> URLs, paths and other schemes are refused here, before anything reads them.
/// </summary>
internal static class ChatRequestReader
{
    public static ChatCompletionRequest Read(JsonElement root, Glm4vServerOptions settings)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new OpenAIErrorException(400, "The request body must be a JSON object.", null, "invalid_json");
        string model = String(root, "model", "model") ?? settings.ServedModelNames[0];
        if (!settings.ServedModelNames.Contains(model, StringComparer.Ordinal))
            throw new OpenAIErrorException(404, $"The model '{model}' does not exist; this server serves {string.Join(", ", settings.ServedModelNames.Select(n => $"'{n}'"))}.",
                "model", "model_not_found", "NotFoundError");

        int media = 0;
        var messages = Messages(root, settings, ref media);
        if (media > settings.MaxImagesPerRequest)
            throw new OpenAIErrorException(400, $"The request carries {media} images/videos; this server takes at most {settings.MaxImagesPerRequest} per request.", "messages", "too_many_images");

        var options = new ChatOptions { AdditionalProperties = [] };
        var extra = options.AdditionalProperties;
        if (Integer(root, "n", "n") is { } n && n != 1) throw OpenAIErrorException.BadField("n", "must be 1: this server returns one choice.");
        long? maxTokens = Integer(root, "max_completion_tokens", "max_completion_tokens") ?? Integer(root, "max_tokens", "max_tokens");
        if (maxTokens is < 1) throw OpenAIErrorException.BadField(Has(root, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens", "must be at least 1.");
        options.MaxOutputTokens = (int)Math.Min(maxTokens ?? settings.MaxTokensCap, settings.MaxTokensCap);
        options.Temperature = Number(root, "temperature", 0, 100);
        options.TopP = Number(root, "top_p", 0, 1);
        // vLLM: top_k -1 (or 0) means "all tokens".
        if (Integer(root, "top_k", "top_k") is { } topK)
        {
            if (topK < -1 || topK > int.MaxValue) throw OpenAIErrorException.BadField("top_k", "must be -1 (off) or a non-negative integer.");
            if (topK > 0) options.TopK = (int)topK;
        }
        options.Seed = Integer(root, "seed", "seed");
        if (Number(root, "repetition_penalty", 0, 100) is { } rp)
        {
            if (rp <= 0) throw OpenAIErrorException.BadField("repetition_penalty", "must be greater than 0.");
            extra["repetition_penalty"] = rp;
        }
        options.FrequencyPenalty = Number(root, "frequency_penalty", -2, 2);
        options.PresencePenalty = Number(root, "presence_penalty", -2, 2);
        if (Number(root, "min_p", 0, 1) is { } minP) extra["min_p"] = minP;
        Bool(root, "skip_special_tokens", "skip_special_tokens"); // accepted; grounding markers are always kept (as vLLM with false)
        bool ignoreEos = Bool(root, "ignore_eos", "ignore_eos") ?? false;
        if (ignoreEos) options.RawRepresentationFactory = _ => new SamplingOptions { IgnoreEos = true };
        options.StopSequences = Stop(root);
        if (Object(root, "chat_template_kwargs", "chat_template_kwargs") is { } kwargs && Bool(kwargs, "enable_thinking", "chat_template_kwargs.enable_thinking") is { } thinking)
            extra["enable_thinking"] = thinking;
        if (settings.MaxPixels is { } maxPixels) extra["max_pixels"] = maxPixels;
        options.ResponseFormat = ResponseFormat(root);
        Tools(root, options);

        bool stream = Bool(root, "stream", "stream") ?? false;
        bool includeUsage = Object(root, "stream_options", "stream_options") is { } so && (Bool(so, "include_usage", "stream_options.include_usage") ?? false);
        return new ChatCompletionRequest(model, messages, options, stream, includeUsage);
    }

    // ---- messages ----

    static List<ChatMessage> Messages(JsonElement root, Glm4vServerOptions settings, ref int media)
    {
        var array = Array(root, "messages", "messages") ?? throw OpenAIErrorException.BadField("messages", "is required: a non-empty array of messages.");
        if (array.GetArrayLength() == 0) throw OpenAIErrorException.BadField("messages", "may not be empty.");
        var list = new List<ChatMessage>();
        int i = 0;
        foreach (var m in array.EnumerateArray())
        {
            string path = $"messages[{i++}]";
            if (m.ValueKind != JsonValueKind.Object) throw OpenAIErrorException.BadField(path, "must be an object.");
            string role = String(m, "role", path + ".role") ?? throw OpenAIErrorException.BadField(path + ".role", "is required.");
            switch (role)
            {
                case "system" or "developer":
                    list.Add(new ChatMessage(ChatRole.System, Contents(m, path, settings, ref media, allowMedia: false)));
                    break;
                case "user":
                    list.Add(new ChatMessage(ChatRole.User, Contents(m, path, settings, ref media, allowMedia: true)));
                    break;
                case "assistant":
                    list.Add(Assistant(m, path, settings, ref media));
                    break;
                case "tool":
                    string callId = String(m, "tool_call_id", path + ".tool_call_id") ?? throw OpenAIErrorException.BadField(path + ".tool_call_id", "is required for a tool message.");
                    var parts = Contents(m, path, settings, ref media, allowMedia: true);
                    // A plain text result stays a string; a result with images keeps its parts (the local client shows them to the model).
                    object? result = parts.All(p => p is TextContent) ? string.Concat(parts.OfType<TextContent>().Select(t => t.Text)) : parts;
                    list.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(callId, result)]));
                    break;
                default:
                    throw OpenAIErrorException.BadField(path + ".role", $"'{role}' is not a role: use system, developer, user, assistant or tool.");
            }
        }
        return list;
    }

    static ChatMessage Assistant(JsonElement m, string path, Glm4vServerOptions settings, ref int media)
    {
        var contents = new List<AIContent>();
        if ((String(m, "reasoning_content", path + ".reasoning_content") ?? String(m, "reasoning", path + ".reasoning")) is { Length: > 0 } reasoning)
            contents.Add(new TextReasoningContent(reasoning));
        contents.AddRange(Contents(m, path, settings, ref media, allowMedia: false));
        if (Array(m, "tool_calls", path + ".tool_calls") is { } calls)
        {
            int i = 0;
            foreach (var call in calls.EnumerateArray())
            {
                string cp = $"{path}.tool_calls[{i++}]";
                if (call.ValueKind != JsonValueKind.Object) throw OpenAIErrorException.BadField(cp, "must be an object.");
                string id = String(call, "id", cp + ".id") ?? throw OpenAIErrorException.BadField(cp + ".id", "is required.");
                var function = Object(call, "function", cp + ".function") ?? throw OpenAIErrorException.BadField(cp + ".function", "is required.");
                string name = String(function, "name", cp + ".function.name") ?? throw OpenAIErrorException.BadField(cp + ".function.name", "is required.");
                contents.Add(new FunctionCallContent(id, name, Arguments(function, cp + ".function.arguments")));
            }
        }
        return new ChatMessage(ChatRole.Assistant, contents);
    }

    static Dictionary<string, object?> Arguments(JsonElement function, string path)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        JsonElement obj;
        JsonDocument? doc = null;
        switch (Get(function, "arguments"))
        {
            case null: return result;
            case { ValueKind: JsonValueKind.String } s when string.IsNullOrWhiteSpace(s.GetString()): return result;
            case { ValueKind: JsonValueKind.String } s:
                try { doc = JsonDocument.Parse(s.GetString()!); }
                catch (JsonException) { throw OpenAIErrorException.BadField(path, "is not valid JSON."); }
                obj = doc.RootElement;
                break;
            case { } v: obj = v; break;
        }
        using (doc)
        {
            if (obj.ValueKind != JsonValueKind.Object) throw OpenAIErrorException.BadField(path, "must be a JSON object (or its text).");
            foreach (var p in obj.EnumerateObject()) result[p.Name] = p.Value.Clone();
        }
        return result;
    }

    /// <summary>A message's <c>content</c>: a string, or an array of <c>text</c> / <c>image_url</c> / <c>video_url</c> parts.</summary>
    static List<AIContent> Contents(JsonElement m, string path, Glm4vServerOptions settings, ref int media, bool allowMedia)
    {
        string cp = path + ".content";
        switch (Get(m, "content"))
        {
            case null: return [];
            case { ValueKind: JsonValueKind.String } s: return [new TextContent(s.GetString())];
            case { ValueKind: JsonValueKind.Array } parts:
                var list = new List<AIContent>();
                int i = 0;
                foreach (var part in parts.EnumerateArray())
                {
                    string pp = $"{cp}[{i++}]";
                    if (part.ValueKind != JsonValueKind.Object) throw OpenAIErrorException.BadField(pp, "must be an object.");
                    string type = String(part, "type", pp + ".type") ?? throw OpenAIErrorException.BadField(pp + ".type", "is required.");
                    switch (type)
                    {
                        case "text":
                            list.Add(new TextContent(String(part, "text", pp + ".text") ?? ""));
                            break;
                        case "image_url" or "video_url" when allowMedia:
                            media++;
                            list.Add(Media(part, type, pp, settings.MediaAccess));
                            break;
                        case "image_url" or "video_url":
                            throw OpenAIErrorException.BadField(pp + ".type", $"'{type}' is not allowed in this message's role (images go in user or tool messages).");
                        default:
                            throw OpenAIErrorException.BadField(pp + ".type", $"'{type}' is not a content part this server reads: use text, image_url or video_url.");
                    }
                }
                return list;
            case var v: throw OpenAIErrorException.BadField(cp, "must be a string or an array of content parts.");
        }
    }

    static AIContent Media(JsonElement part, string type, string path, MediaAccessPolicy policy)
    {
        bool image = type == "image_url";
        string up = $"{path}.{type}.url";
        // {"image_url": {"url": "..."}}, or the older plain string form.
        string? url = Get(part, type) switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Object } o => String(o, "url", up),
            _ => null,
        };
        if (string.IsNullOrEmpty(url)) throw OpenAIErrorException.BadField(up, "is required.");
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            DataContent data;
            try { data = new DataContent(url); }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new OpenAIErrorException(400, $"'{up}' is not a valid base64 data URL: {e.Message}", up, "invalid_image", inner: e);
            }
            if (!data.HasTopLevelMediaType(image ? "image" : "video"))
                throw OpenAIErrorException.BadField(up, $"has media type '{data.MediaType}'; {type} needs {(image ? "image/*" : "video/*")}.");
            return data;
        }
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            if (!policy.AllowRemoteUrls)
                throw new OpenAIErrorException(400, $"'{up}': this server does not fetch URLs; send the image inline as a data URL (data:image/png;base64,...).", up, "url_not_allowed");
            if (policy.AllowedHosts.Count > 0 && !policy.AllowedHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
                throw new OpenAIErrorException(400, $"'{up}': host '{uri.Host}' is not allowed; this server fetches only from {string.Join(", ", policy.AllowedHosts)}.", up, "url_not_allowed");
            return new UriContent(uri, image ? "image/*" : "video/*");
        }
        // file: URLs, local paths and every other scheme: a client never makes the server read its own files.
        throw new OpenAIErrorException(400, $"'{up}' must be a data URL{(policy.AllowRemoteUrls ? " or an http(s) URL" : "")}; file: URLs and local paths are never read.", up, "url_not_allowed");
    }

    // ---- options ----

    static IList<string>? Stop(JsonElement root) => Get(root, "stop") switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => [.. a.EnumerateArray().Select(e => e.GetString()!)],
        _ => throw OpenAIErrorException.BadField("stop", "must be a string or an array of strings."),
    };

    static ChatResponseFormat? ResponseFormat(JsonElement root)
    {
        if (Object(root, "response_format", "response_format") is not { } rf) return null;
        string type = String(rf, "type", "response_format.type") ?? throw OpenAIErrorException.BadField("response_format.type", "is required.");
        switch (type)
        {
            case "text": return ChatResponseFormat.Text;
            case "json_object": return ChatResponseFormat.Json;
            case "json_schema":
                var spec = Object(rf, "json_schema", "response_format.json_schema") ?? throw OpenAIErrorException.BadField("response_format.json_schema", "is required for type json_schema.");
                var schema = Object(spec, "schema", "response_format.json_schema.schema") ?? throw OpenAIErrorException.BadField("response_format.json_schema.schema", "is required.");
                return ChatResponseFormat.ForJsonSchema(schema.Clone(), String(spec, "name", "response_format.json_schema.name"), String(spec, "description", "response_format.json_schema.description"));
            default: throw OpenAIErrorException.BadField("response_format.type", $"'{type}' is not a format: use text, json_object or json_schema.");
        }
    }

    static void Tools(JsonElement root, ChatOptions options)
    {
        if (Array(root, "tools", "tools") is { } tools && tools.GetArrayLength() > 0)
        {
            options.Tools = [];
            int i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                string tp = $"tools[{i++}]";
                if (tool.ValueKind != JsonValueKind.Object) throw OpenAIErrorException.BadField(tp, "must be an object.");
                if (String(tool, "type", tp + ".type") is { } t && t != "function") throw OpenAIErrorException.BadField(tp + ".type", $"'{t}' is not supported: GLM-4V calls functions only.");
                var f = Object(tool, "function", tp + ".function") ?? throw OpenAIErrorException.BadField(tp + ".function", "is required.");
                string name = String(f, "name", tp + ".function.name") ?? throw OpenAIErrorException.BadField(tp + ".function.name", "is required.");
                var parameters = Object(f, "parameters", tp + ".function.parameters");
                using var empty = JsonDocument.Parse("""{"type":"object","properties":{}}""");
                options.Tools.Add(AIFunctionFactory.CreateDeclaration(name, String(f, "description", tp + ".function.description"), (parameters ?? empty.RootElement).Clone()));
            }
        }
        options.ToolMode = Get(root, "tool_choice") switch
        {
            null => options.Tools is { Count: > 0 } ? ChatToolMode.Auto : null,
            { ValueKind: JsonValueKind.String } s => s.GetString() switch
            {
                "none" => ChatToolMode.None,
                "auto" => ChatToolMode.Auto,
                "required" => ChatToolMode.RequireAny,
                var other => throw OpenAIErrorException.BadField("tool_choice", $"'{other}' is not a choice: use none, auto, required or {{\"type\":\"function\",\"function\":{{\"name\":…}}}}."),
            },
            { ValueKind: JsonValueKind.Object } o => ChatToolMode.RequireSpecific(
                (Object(o, "function", "tool_choice.function") is { } fn ? String(fn, "name", "tool_choice.function.name") : null)
                ?? throw OpenAIErrorException.BadField("tool_choice.function.name", "is required.")),
            _ => throw OpenAIErrorException.BadField("tool_choice", "must be a string or an object."),
        };
        if (options.ToolMode is RequiredChatToolMode { RequiredFunctionName: { } required } && options.Tools?.Any(t => t.Name == required) != true)
            throw OpenAIErrorException.BadField("tool_choice.function.name", $"'{required}' is not one of the request's tools.");
        if (options.ToolMode is RequiredChatToolMode && options.Tools is not { Count: > 0 })
            throw OpenAIErrorException.BadField("tool_choice", "requires tools.");
        if (Bool(root, "parallel_tool_calls", "parallel_tool_calls") is false) options.AllowMultipleToolCalls = false;
    }

    // ---- typed field reads: missing or null = not sent ----

    static bool Has(JsonElement obj, string name) => Get(obj, name) is not null;

    static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? v : null;

    static string? String(JsonElement obj, string name, string path) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        _ => throw OpenAIErrorException.BadField(path, "must be a string."),
    };

    static bool? Bool(JsonElement obj, string name, string path) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw OpenAIErrorException.BadField(path, "must be true or false."),
    };

    static JsonElement? Object(JsonElement obj, string name, string path) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Object } v => v,
        _ => throw OpenAIErrorException.BadField(path, "must be an object."),
    };

    static JsonElement? Array(JsonElement obj, string name, string path) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } v => v,
        _ => throw OpenAIErrorException.BadField(path, "must be an array."),
    };

    static long? Integer(JsonElement obj, string name, string path) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out long n) => n,
        _ => throw OpenAIErrorException.BadField(path, "must be an integer."),
    };

    static float? Number(JsonElement obj, string name, double min, double max) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.GetDouble() is var d && d >= min && d <= max => (float)d,
        _ => throw OpenAIErrorException.BadField(name, string.Create(CultureInfo.InvariantCulture, $"must be a number from {min} to {max}.")),
    };
}
