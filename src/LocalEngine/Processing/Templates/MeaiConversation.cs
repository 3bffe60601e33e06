using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// A Microsoft.Extensions.AI conversation (<see cref="ChatMessage"/>s and <see cref="AITool"/>s) translated into the
/// chat templates' vocabulary, with its images and videos collected in order for the image/video processor.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Roles: <see cref="ChatRole.System"/>, <see cref="ChatRole.User"/>, <see cref="ChatRole.Assistant"/>,
/// <see cref="ChatRole.Tool"/>; any other role is rejected.</item>
/// <item><see cref="TextContent"/> → text. A message whose contents are all text becomes string content (the texts
/// concatenated), otherwise list content.</item>
/// <item><see cref="DataContent"/> / <see cref="UriContent"/> with an <c>image/*</c> media type → image part,
/// <c>video/*</c> → video part. Any other media type (audio, PDF, ...) → <see cref="InvalidMediaException"/>.</item>
/// <item><see cref="TextReasoningContent"/> (assistant only) → <see cref="TemplateMessage.ReasoningContent"/>, the texts
/// concatenated; present (possibly empty) whenever the message has one.</item>
/// <item><see cref="FunctionCallContent"/> (assistant only) → a tool call, arguments in dictionary order, values as
/// JSON (numbers parsed from JSON keep their text; a <see cref="double"/> stays a float).</item>
/// <item>Each <see cref="FunctionResultContent"/> → its own tool message (consecutive ones share one
/// <c>&lt;|observation|&gt;</c>), in any role's message (other contents around it keep their role). Its result: a string
/// → string content; <see cref="AIContent"/> or a list of them (text, images, videos) → list content; a JSON string →
/// its text; JSON that is a serialized image (a <c>DataContent</c> with a <c>data:image/*</c> URI, a Semantic Kernel
/// <c>ImageContent</c>, or an array holding one: see <see cref="SerializedMediaResult"/>) → list content with the real
/// image; null → <c>""</c>; any other value → its <c>tojson</c> text as string content.</item>
/// <item><see cref="UsageContent"/> is skipped. Every other content type → <see cref="InvalidMediaException"/>
/// naming the message and content index.</item>
/// <item>Tools: <see cref="AIFunctionDeclaration"/> → <c>{"type": "function", "function": {"name", "description"
/// (only when non-empty), "parameters": JsonSchema}}</c>; other tools → <see cref="NotSupportedException"/>.</item>
/// </list>
/// Errors name the index in the caller's message list and the content index in that message.
/// </remarks>
public sealed class MeaiConversation
{
    readonly Dictionary<TemplatePartLocation, ConversationMedia> _media;
    readonly Dictionary<TemplatePartLocation, (int Message, int Content)> _sources;

    MeaiConversation(List<TemplateMessage> messages, List<TemplateTool>? tools, List<ConversationMedia> images, List<ConversationMedia> videos,
        Dictionary<TemplatePartLocation, (int, int)> sources)
    {
        Messages = messages;
        Tools = tools;
        Images = images;
        Videos = videos;
        _sources = sources;
        _media = images.Concat(videos).ToDictionary(m => new TemplatePartLocation(m.MessageIndex, m.PartIndex));
    }

    /// <summary>The template messages (a chat message holding function results becomes several).</summary>
    public IReadOnlyList<TemplateMessage> Messages { get; }

    /// <summary>The tool declarations, or null when there are none.</summary>
    public IReadOnlyList<TemplateTool>? Tools { get; }

    /// <summary>Every image of the conversation in conversation order (a template may drop some: see <see cref="Render"/>).</summary>
    public IReadOnlyList<ConversationMedia> Images { get; }

    /// <summary>Every video of the conversation in conversation order.</summary>
    public IReadOnlyList<ConversationMedia> Videos { get; }

    /// <summary>Translates <paramref name="messages"/> and <paramref name="tools"/>.</summary>
    /// <exception cref="InvalidMediaException">A content that cannot go into a GLM-4V prompt (located by message and content index).</exception>
    /// <exception cref="ArgumentException">An unknown role, or a function call outside an assistant message.</exception>
    /// <exception cref="NotSupportedException">A tool that is not a function declaration.</exception>
    public static MeaiConversation Create(IEnumerable<ChatMessage> messages, IEnumerable<AITool>? tools = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var b = new Builder();
        int mi = 0;
        foreach (var message in messages)
        {
            if (message is null) throw new ArgumentException($"Message {mi} is null.", nameof(messages));
            b.Add(message, mi++);
        }
        var toolList = tools?.Select(ToTemplateTool).ToList();
        return new MeaiConversation(b.Messages, toolList is { Count: > 0 } ? toolList : null, b.Images, b.Videos, b.Sources);
    }

    /// <summary><see cref="Create(IEnumerable{ChatMessage}, IEnumerable{AITool}?)"/> with the tools of <paramref name="options"/>.</summary>
    public static MeaiConversation Create(IEnumerable<ChatMessage> messages, ChatOptions? options) => Create(messages, options?.Tools);

    /// <summary>
    /// Renders the conversation with <paramref name="template"/>; the result lists the images and videos whose
    /// placeholders the prompt holds, in prompt order.
    /// </summary>
    /// <exception cref="InvalidMediaException">The template has no place for a media part (located in the caller's messages).</exception>
    public ConversationPrompt Render(IChatTemplate template, bool addGenerationPrompt = true, bool? enableThinking = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        RenderedChatTemplate r;
        try
        {
            r = template.RenderWithMedia(Messages, Tools, addGenerationPrompt, enableThinking);
        }
        catch (InvalidMediaException e) when (e.MessageIndex is int m && e.PartIndex is int p && _sources.TryGetValue(new(m, p), out var src))
        {
            throw e.At(src.Message, src.Content);
        }
        return new ConversationPrompt(r.Text, r.Images.Select(Lookup).ToList(), r.Videos.Select(Lookup).ToList()) { ContentSpans = r.ContentSpans };
    }

    ConversationMedia Lookup(TemplatePartLocation at) =>
        _media.TryGetValue(at, out var m) ? m : throw new InvalidOperationException($"The template reported media at message {at.MessageIndex}, part {at.PartIndex}, which holds none.");

    /// <summary>The template form of one tool: a function declaration (an <see cref="AIFunction"/> is one).</summary>
    public static TemplateTool ToTemplateTool(AITool tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return tool is AIFunctionDeclaration f
            ? TemplateTool.Function(f.Name, f.Description, f.JsonSchema)
            : throw new NotSupportedException($"Tool '{tool.Name}' ({tool.GetType().Name}) is not a function declaration; the GLM-4V chat templates can only declare functions.");
    }

    /// <summary>Translates messages one by one.</summary>
    sealed class Builder
    {
        public List<TemplateMessage> Messages { get; } = [];
        public List<ConversationMedia> Images { get; } = [];
        public List<ConversationMedia> Videos { get; } = [];
        public Dictionary<TemplatePartLocation, (int, int)> Sources { get; } = [];

        readonly List<(TemplateContentPart Part, int Content, AIContent? Media)> _pending = [];
        StringBuilder? _reasoning;
        readonly List<TemplateToolCall> _calls = [];

        public void Add(ChatMessage message, int mi)
        {
            var role = MapRole(message.Role, mi);
            int before = Messages.Count;
            for (int ci = 0; ci < message.Contents.Count; ci++)
            {
                var content = message.Contents[ci];
                switch (content)
                {
                    case TextReasoningContent r:
                        if (role != TemplateRole.Assistant)
                            throw new InvalidMediaException($"reasoning content is only allowed in assistant messages, not in a {Name(role)} message.", mi, ci);
                        (_reasoning ??= new StringBuilder()).Append(r.Text);
                        break;
                    case TextContent t:
                        _pending.Add((TemplateContentPart.FromText(t.Text ?? ""), ci, null));
                        break;
                    case DataContent or UriContent or VideoFramesContent:
                        _pending.Add((MediaPart(content, mi, ci), ci, content));
                        break;
                    case FunctionCallContent call:
                        if (role != TemplateRole.Assistant)
                            throw new ArgumentException($"Message {mi}, content {ci}: a function call is only allowed in an assistant message, not in a {Name(role)} message.");
                        _calls.Add(new TemplateToolCall(call.Name,
                            (call.Arguments ?? new Dictionary<string, object?>()).Select(a => new KeyValuePair<string, JsonNode?>(a.Key, JsonNodeConversion.FromObject(a.Value)))));
                        break;
                    case FunctionResultContent result:
                        Flush(role, mi, always: false);
                        AddResult(result, mi, ci);
                        break;
                    case UsageContent:
                        break;
                    case null:
                        throw new InvalidMediaException("the content is null.", mi, ci);
                    default:
                        throw new InvalidMediaException($"{content.GetType().Name} cannot be written into a GLM-4V prompt.", mi, ci);
                }
            }
            Flush(role, mi, always: Messages.Count == before);
        }

        void Flush(TemplateRole role, int mi, bool always)
        {
            if (!always && _pending.Count == 0 && _reasoning is null && _calls.Count == 0) return;
            Emit(role, mi, _pending, reasoning: _reasoning?.ToString(), calls: [.. _calls], forceList: false);
            _pending.Clear();
            _reasoning = null;
            _calls.Clear();
        }

        void Emit(TemplateRole role, int mi, List<(TemplateContentPart Part, int Content, AIContent? Media)> parts, string? reasoning,
            List<TemplateToolCall> calls, bool forceList)
        {
            int index = Messages.Count;
            TemplateMessage message;
            if (!forceList && parts.All(p => p.Part.Kind == TemplatePartKind.Text))
            {
                message = new TemplateMessage(role, string.Concat(parts.Select(p => p.Part.Text))) { ReasoningContent = reasoning, ToolCalls = calls };
                Sources[new(index, 0)] = (mi, parts.Count > 0 ? parts[0].Content : -1);
            }
            else
            {
                message = new TemplateMessage(role, parts.Select(p => p.Part)) { ReasoningContent = reasoning, ToolCalls = calls };
                for (int p = 0; p < parts.Count; p++)
                {
                    Sources[new(index, p)] = (mi, parts[p].Content);
                    if (parts[p].Media is not { } media) continue;
                    var entry = new ConversationMedia(index, p, media, mi, parts[p].Content);
                    (parts[p].Part.Kind == TemplatePartKind.Image ? Images : Videos).Add(entry);
                }
            }
            Messages.Add(message);
        }

        void AddResult(FunctionResultContent result, int mi, int ci)
        {
            object? value = result.Result;
            if (value is JsonElement json && SerializedMediaResult.TryConvert(json) is { } media) value = media; // an image a caller serialized
            string? text = value switch
            {
                null => "",
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
                JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => "",
                JsonElement e => PythonJson.Serialize(e),
                JsonNode n => JsonNodeConversion.TryGetString(n, out var s) ? s : PythonJson.Serialize(n),
                AIContent or IEnumerable<AIContent> => null,
                IEnumerable items when value is not IDictionary && items.Cast<object?>().Any(x => x is AIContent) => null,
                _ => PythonJson.Serialize(JsonNodeConversion.FromObject(value)),
            };
            if (text is not null)
            {
                Emit(TemplateRole.Tool, mi, [(TemplateContentPart.FromText(text), ci, null)], null, [], forceList: false);
                return;
            }
            IEnumerable<object?> list = value is AIContent single ? [single] : ((IEnumerable)value!).Cast<object?>();
            var parts = new List<(TemplateContentPart, int, AIContent?)>();
            foreach (var item in list)
            {
                switch (item)
                {
                    case TextContent t:
                        parts.Add((TemplateContentPart.FromText(t.Text ?? ""), ci, null));
                        break;
                    case DataContent or UriContent or VideoFramesContent:
                        parts.Add((MediaPart((AIContent)item, mi, ci), ci, (AIContent)item));
                        break;
                    case AIContent other:
                        throw new InvalidMediaException($"a function result holds {other.GetType().Name}, which cannot be written into a GLM-4V prompt.", mi, ci);
                    case null:
                        parts.Add((TemplateContentPart.FromText("None"), ci, null)); // Python's str(None), as the template writes it
                        break;
                    case string s:
                        parts.Add((TemplateContentPart.FromText(s), ci, null));
                        break;
                    default:
                        parts.Add((TemplateContentPart.FromJson(JsonNodeConversion.FromObject(item) ?? JsonValue.Create("None")), ci, null));
                        break;
                }
            }
            Emit(TemplateRole.Tool, mi, parts, null, [], forceList: true);
        }

        static TemplateContentPart MediaPart(AIContent content, int mi, int ci)
        {
            if (content is VideoFramesContent) return TemplateContentPart.Video;
            string mediaType = content switch { DataContent d => d.MediaType, UriContent u => u.MediaType, _ => "" };
            bool image = content is DataContent di ? di.HasTopLevelMediaType("image") : ((UriContent)content).HasTopLevelMediaType("image");
            bool video = content is DataContent dv ? dv.HasTopLevelMediaType("video") : ((UriContent)content).HasTopLevelMediaType("video");
            if (image) return TemplateContentPart.Image;
            if (video) return TemplateContentPart.Video;
            throw new InvalidMediaException($"media type '{mediaType}' is not supported: GLM-4V models read images (image/*) and videos (video/*).", mi, ci, mediaType);
        }

        static TemplateRole MapRole(ChatRole role, int mi)
        {
            if (role == ChatRole.System) return TemplateRole.System;
            if (role == ChatRole.User) return TemplateRole.User;
            if (role == ChatRole.Assistant) return TemplateRole.Assistant;
            if (role == ChatRole.Tool) return TemplateRole.Tool;
            throw new ArgumentException($"Message {mi}: role '{role.Value}' is not supported (system, user, assistant or tool).");
        }

        static string Name(TemplateRole role) => role.ToString().ToLowerInvariant();
    }
}
