using System.Text;
using Glm4vSK.Formats;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// The chat template of GLM-4.1V-9B-Thinking (the official Jinja template, hub revision 3c1471e5), rendered by hand:
/// <code>
/// [gMASK]&lt;sop&gt;
///   system:    &lt;|system|&gt;\n{content}
///   user:      &lt;|user|&gt;\n{string, or items: video/image placeholder, text}
///   assistant: &lt;|assistant|&gt;{metadata}\n{content}       (content verbatim, &lt;think&gt; included)
///   tool:      (nothing: the template has no tool support)
/// generation prompt: &lt;|assistant|&gt;\n
/// </code>
/// Tools, tool calls, <c>reasoning_content</c> and <c>enable_thinking</c> are ignored, as the template ignores them.
/// </summary>
/// <remarks>
/// Where the Jinja template would print a Python list (a list content in a system or assistant message), this renderer
/// writes the concatenated text parts instead; an image or video there has no place in the prompt and is rejected with
/// <see cref="InvalidMediaException"/>.
/// </remarks>
public sealed class Glm41vChatTemplate : IChatTemplate
{
    public static Glm41vChatTemplate Instance { get; } = new();

    public ChatTemplateFamily Family => ChatTemplateFamily.Glm41v;

    public string Render(IReadOnlyList<TemplateMessage> messages, IReadOnlyList<TemplateTool>? tools, bool addGenerationPrompt, bool? enableThinking) =>
        RenderWithMedia(messages, tools, addGenerationPrompt, enableThinking).Text;

    public RenderedChatTemplate RenderWithMedia(IReadOnlyList<TemplateMessage> messages, IReadOnlyList<TemplateTool>? tools, bool addGenerationPrompt, bool? enableThinking)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sb = new StringBuilder("[gMASK]<sop>");
        var images = new List<TemplatePartLocation>();
        var videos = new List<TemplatePartLocation>();
        var spans = new List<TemplateTextSpan>();
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i] ?? throw new ArgumentException($"Message {i} is null.", nameof(messages));
            switch (m.Role)
            {
                case TemplateRole.System:
                    sb.Append(GlmTags.System).Append('\n');
                    AppendText(sb, m, i, spans);
                    break;
                case TemplateRole.User:
                    sb.Append(GlmTags.User).Append('\n');
                    for (int p = 0; p < m.Parts.Count; p++)
                    {
                        var part = m.Parts[p];
                        switch (part.Kind)
                        {
                            case TemplatePartKind.Video:
                                sb.Append(TemplatePlaceholders.Video);
                                videos.Add(new(i, p));
                                break;
                            case TemplatePartKind.Image:
                                sb.Append(TemplatePlaceholders.Image);
                                images.Add(new(i, p));
                                break;
                            case TemplatePartKind.Text:
                                spans.Add(new(sb.Length, part.Text!.Length, TemplateRole.User));
                                sb.Append(part.Text);
                                break;
                        }
                    }
                    break;
                case TemplateRole.Assistant:
                    sb.Append(GlmTags.Assistant);
                    if (!string.IsNullOrEmpty(m.Metadata)) sb.Append(m.Metadata);
                    sb.Append('\n');
                    AppendText(sb, m, i, null); // the model's own words: trusted
                    break;
                case TemplateRole.Tool:
                    break; // the template has no branch for tool messages
                default:
                    throw new ArgumentException($"Message {i} has an unknown role {m.Role}.", nameof(messages));
            }
        }
        if (addGenerationPrompt) sb.Append(GlmTags.Assistant).Append('\n');
        return new RenderedChatTemplate(sb.ToString(), images, videos) { ContentSpans = spans };
    }

    static void AppendText(StringBuilder sb, TemplateMessage m, int index, List<TemplateTextSpan>? spans)
    {
        for (int p = 0; p < m.Parts.Count; p++)
        {
            var part = m.Parts[p];
            if (part.Kind != TemplatePartKind.Text)
                throw new InvalidMediaException(
                    $"the GLM-4.1V chat template writes images and videos only in user messages, not in a {m.Role.ToString().ToLowerInvariant()} message.",
                    index, p);
            spans?.Add(new(sb.Length, part.Text!.Length, m.Role));
            sb.Append(part.Text);
        }
    }
}
