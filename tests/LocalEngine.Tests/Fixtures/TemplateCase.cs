using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.LocalEngine.Tests.Fixtures;

/// <summary>
/// One chat-template case, <c>templates/&lt;family&gt;__&lt;case&gt;.json</c>, with its Hugging Face
/// style messages translated into <see cref="TemplateMessage"/>s the way the Jinja templates read them.
/// </summary>
public sealed class TemplateCase
{
    TemplateCase(string id, JsonObject json)
    {
        Id = id;
        Json = json;
    }

    public string Id { get; }
    public JsonObject Json { get; }

    public string FamilyName => Json["family"]?.GetValue<string>() ?? throw new InvalidDataException($"{Id}: 'family' is missing.");
    public string Expected => Json["expected"]?.GetValue<string>() ?? throw new InvalidDataException($"{Id}: 'expected' is missing.");
    public bool AddGenerationPrompt => Json["add_generation_prompt"]?.GetValue<bool>() ?? throw new InvalidDataException($"{Id}: 'add_generation_prompt' is missing.");
    /// <summary>Null: the kwarg was not passed.</summary>
    public bool? EnableThinking => Json["enable_thinking"]?.GetValue<bool>();

    public static string Directory => Path.Combine(FixtureRoot.Require(), "templates");

    /// <summary>Every <c>templates/*.json</c> file name, sorted.</summary>
    public static IEnumerable<string> DiscoverIds()
    {
        string dir = Directory;
        if (!System.IO.Directory.Exists(dir)) return [];
        return System.IO.Directory.GetFiles(dir, "*.json").Select(f => Path.GetFileName(f)!).OrderBy(f => f, StringComparer.Ordinal).ToList();
    }

    public static TemplateCase Open(string id) =>
        new(id, JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, id)))?.AsObject() ?? throw new InvalidDataException($"{id}: not a JSON object."));

    /// <summary>The family named by the case; an unknown family fails the case.</summary>
    public ChatTemplateFamily Family => FamilyName switch
    {
        "glm-4.1v" => ChatTemplateFamily.Glm41v,
        "glm-4.5v" => ChatTemplateFamily.Glm45v,
        var other => throw new Xunit.Sdk.XunitException($"{Id}: template family '{other}' has no renderer."),
    };

    public IReadOnlyList<TemplateTool>? Tools =>
        Json["tools"] is JsonArray tools ? tools.Select(t => new TemplateTool(t!.AsObject())).ToList() : null;

    public IReadOnlyList<TemplateMessage> Messages =>
        (Json["messages"] as JsonArray ?? throw new InvalidDataException($"{Id}: 'messages' is missing."))
        .Select((m, i) => HfMessages.ToTemplateMessage(m!.AsObject(), i)).ToList();
}

/// <summary>Hugging Face chat messages (as <c>apply_chat_template</c> takes them) → <see cref="TemplateMessage"/>.</summary>
public static class HfMessages
{
    public static TemplateMessage ToTemplateMessage(JsonObject m, int index)
    {
        var role = Str(m["role"]) switch
        {
            "system" => TemplateRole.System,
            "user" => TemplateRole.User,
            "assistant" => TemplateRole.Assistant,
            "tool" => TemplateRole.Tool,
            var r => throw new NotSupportedException($"message {index}: role '{r}'."),
        };
        string? reasoning = m["reasoning_content"] is JsonValue rv && rv.GetValueKind() == JsonValueKind.String ? rv.GetValue<string>() : null;
        string? metadata = m["metadata"] is JsonValue mv && mv.GetValueKind() == JsonValueKind.String ? mv.GetValue<string>() : null;
        List<TemplateToolCall> calls = m["tool_calls"] is JsonArray list ? list.Select(c => ToolCall(c!.AsObject())).ToList() : [];
        return m["content"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String =>
                new TemplateMessage(role, v.GetValue<string>()) { ReasoningContent = reasoning, Metadata = metadata, ToolCalls = calls },
            JsonArray items =>
                new TemplateMessage(role, items.SelectMany(item => Part(role, item, index))) { ReasoningContent = reasoning, Metadata = metadata, ToolCalls = calls },
            _ => throw new NotSupportedException($"message {index}: content must be a string or a list (null renders as 'None'; not covered)."),
        };
    }

    static TemplateToolCall ToolCall(JsonObject tc)
    {
        var f = tc["function"] as JsonObject ?? tc;
        string name = Str(f["name"]) ?? throw new NotSupportedException("a tool call without a name.");
        var args = f["arguments"] switch
        {
            JsonObject o => o,
            JsonValue s when s.GetValueKind() == JsonValueKind.String => JsonNode.Parse(s.GetValue<string>())!.AsObject(), // OpenAI style, as vLLM parses it
            null => new JsonObject(),
            _ => throw new NotSupportedException("tool-call arguments must be a dict."),
        };
        return new TemplateToolCall(name, args);
    }

    /// <summary>One content item, read as the templates read it (items they drop yield nothing).</summary>
    static IEnumerable<TemplateContentPart> Part(TemplateRole role, JsonNode? item, int index)
    {
        if (item is JsonValue sv && sv.GetValueKind() == JsonValueKind.String)
        {
            yield return TemplateContentPart.FromText(sv.GetValue<string>());
            yield break;
        }
        if (item is not JsonObject o) throw new NotSupportedException($"message {index}: content item {item?.ToJsonString()}.");
        string? type = Str(o["type"]);
        if (role == TemplateRole.Tool)
        {
            // The GLM-4.5V tool-result branch: type | lower; text, image/image_url, video/video_url, else tojson.
            if (type is null)
            {
                if (o["output"] is JsonValue ov && ov.GetValueKind() == JsonValueKind.String) yield return TemplateContentPart.FromText(ov.GetValue<string>());
                else throw new NotSupportedException($"message {index}: an untyped dict renders as a Python repr; not covered.");
                yield break;
            }
            switch (type.ToLowerInvariant())
            {
                case "text" when o.ContainsKey("text"): yield return TemplateContentPart.FromText(Str(o["text"])!); break;
                case "image" or "image_url": yield return TemplateContentPart.Image; break;
                case "video" or "video_url": yield return TemplateContentPart.Video; break;
                default: yield return TemplateContentPart.FromJson(o); break;
            }
            yield break;
        }
        // User content: video (type or key), then image (type or key), then text; anything else is dropped.
        if (type == "video" || o.ContainsKey("video")) yield return TemplateContentPart.Video;
        else if (type == "image" || o.ContainsKey("image")) yield return TemplateContentPart.Image;
        else if (type == "text") yield return TemplateContentPart.FromText(Str(o["text"]) ?? "");
    }

    static string? Str(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
