using System.Text;
using Glm4vSK.Formats;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// The GLM-4.5V / GLM-4.6V-family chat template ("VLM" variant: tools block, <c>/nothink</c>, multimodal
/// <c>&lt;tool_response&gt;</c>), rendered by hand as transformers renders the Jinja template:
/// <code>
/// [gMASK]&lt;sop&gt;
/// [tools]      &lt;|system|&gt;\n# Tools … &lt;tools&gt;\n{tojson(tool)}\n… &lt;/tools&gt; … &lt;/tool_call&gt;
///   system:    &lt;|system|&gt;\n{visible text}
///   user:      &lt;|user|&gt;\n{items}[/nothink when enable_thinking is false and the text does not end with it]
///   assistant: &lt;|assistant|&gt;\n&lt;think&gt;{reasoning.strip()}&lt;/think&gt;   (after the last user message, reasoning non-empty)
///              &lt;|assistant|&gt;\n&lt;think&gt;&lt;/think&gt;                      (otherwise)
///              then \n{content.strip()} when non-blank, then per call
///              \n&lt;tool_call&gt;{name}\n(&lt;arg_key&gt;{k}&lt;/arg_key&gt;\n&lt;arg_value&gt;{v}&lt;/arg_value&gt;\n)*&lt;/tool_call&gt;
///   tool:      [&lt;|observation|&gt; before the first of a run]\n&lt;tool_response&gt;\n{result}\n&lt;/tool_response&gt;
///              (+ \n after a string result)
/// generation prompt: &lt;|assistant|&gt;\n, plus &lt;think&gt;&lt;/think&gt;\n when enable_thinking is false
/// </code>
/// </summary>
/// <remarks>
/// <para>Reasoning comes from <see cref="TemplateMessage.ReasoningContent"/> when set; otherwise, when the content
/// contains <c>&lt;/think&gt;</c>, it is the text between the last <c>&lt;think&gt;</c> before the first
/// <c>&lt;/think&gt;</c> and that tag, and the content is what follows the last <c>&lt;/think&gt;</c> (newlines trimmed as
/// the template does). <c>strip()</c> is Python's.</para>
/// <para>The exact checkpoint version of this template is unconfirmed: the renderer
/// follows the fixtures, which were rendered from a third-party copy.</para>
/// <para>Deviation: a JSON part of a tool result is always written with <c>tojson</c>; the Jinja template writes a
/// dict without a <c>type</c> key as a Python repr (or its <c>output</c> value).</para>
/// </remarks>
public sealed class Glm45vChatTemplate : IChatTemplate
{
    const string ToolsHeader =
        "<|system|>\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n";

    const string ToolsFooter =
        "</tools>\n\nFor each function call, output the function name and arguments within the following XML format:\n" +
        "<tool_call>{function-name}\n<arg_key>{arg-key-1}</arg_key>\n<arg_value>{arg-value-1}</arg_value>\n" +
        "<arg_key>{arg-key-2}</arg_key>\n<arg_value>{arg-value-2}</arg_value>\n...\n</tool_call>";

    const string NoThink = "/nothink";

    public static Glm45vChatTemplate Instance { get; } = new();

    public ChatTemplateFamily Family => ChatTemplateFamily.Glm45v;

    public string Render(IReadOnlyList<TemplateMessage> messages, IReadOnlyList<TemplateTool>? tools, bool addGenerationPrompt, bool? enableThinking) =>
        RenderWithMedia(messages, tools, addGenerationPrompt, enableThinking).Text;

    public RenderedChatTemplate RenderWithMedia(IReadOnlyList<TemplateMessage> messages, IReadOnlyList<TemplateTool>? tools, bool addGenerationPrompt, bool? enableThinking)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var r = new Renderer();
        var sb = r.Text;
        sb.Append("[gMASK]<sop>");
        if (tools is { Count: > 0 })
        {
            sb.Append(ToolsHeader);
            foreach (var tool in tools)
            {
                PythonJson.Write(sb, (tool ?? throw new ArgumentException("A tool is null.", nameof(tools))).Definition);
                sb.Append('\n');
            }
            sb.Append(ToolsFooter);
        }

        int lastUser = -1;
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i] is null) throw new ArgumentException($"Message {i} is null.", nameof(messages));
            if (messages[i].Role == TemplateRole.User) lastUser = i;
        }

        bool noThinking = enableThinking == false;
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            switch (m.Role)
            {
                case TemplateRole.User:
                {
                    sb.Append(GlmTags.User).Append('\n');
                    int start = sb.Length;
                    r.AppendVisible(m, i);
                    if (noThinking && !EndsWith(sb, start, NoThink)) sb.Append(NoThink);
                    else if (noThinking) r.Untrack(NoThink.Length); // the template reads the user's own /nothink as its switch
                    break;
                }
                case TemplateRole.Assistant:
                    sb.Append(GlmTags.Assistant);
                    r.AppendAssistant(m, i, afterLastUser: i > lastUser);
                    break;
                case TemplateRole.Tool:
                    if (i == 0 || messages[i - 1].Role != TemplateRole.Tool) sb.Append(GlmTags.Observation);
                    sb.Append("\n<tool_response>\n");
                    r.AppendVisible(m, i); // text, image/image_url, video/video_url placeholders, other dicts with tojson
                    sb.Append("\n</tool_response>");
                    if (m.IsStringContent) sb.Append('\n');
                    break;
                case TemplateRole.System:
                    sb.Append(GlmTags.System).Append('\n');
                    r.AppendVisible(m, i);
                    break;
                default:
                    throw new ArgumentException($"Message {i} has an unknown role {m.Role}.", nameof(messages));
            }
        }
        if (addGenerationPrompt)
        {
            sb.Append(GlmTags.Assistant).Append('\n');
            if (noThinking) sb.Append(GlmTags.ThinkStart).Append(GlmTags.ThinkEnd).Append('\n');
        }
        return new RenderedChatTemplate(sb.ToString(), r.Images, r.Videos) { ContentSpans = r.Spans };
    }

    static bool EndsWith(StringBuilder sb, int start, string suffix)
    {
        if (sb.Length - start < suffix.Length) return false;
        for (int k = 0; k < suffix.Length; k++)
            if (sb[sb.Length - suffix.Length + k] != suffix[k]) return false;
        return true;
    }

    /// <summary>Output text plus the media placeholders written so far.</summary>
    sealed class Renderer
    {
        public StringBuilder Text { get; } = new();
        public List<TemplatePartLocation> Images { get; } = [];
        public List<TemplatePartLocation> Videos { get; } = [];
        public List<TemplateTextSpan> Spans { get; } = [];

        /// <summary>Leaves the last <paramref name="length"/> characters of the text out of the last span.</summary>
        public void Untrack(int length)
        {
            if (Spans.Count == 0 || Spans[^1].Start + Spans[^1].Length != Text.Length) return;
            var last = Spans[^1];
            Spans[^1] = last with { Length = Math.Max(0, last.Length - length) };
        }

        /// <summary>
        /// The template's <c>visible_text(content)</c> (text, image and video placeholders, in order), which is also how
        /// the user branch and the tool-result branch write their items; JSON parts (tool results only) with <c>tojson</c>.
        /// </summary>
        public void AppendVisible(TemplateMessage m, int index)
        {
            for (int p = 0; p < m.Parts.Count; p++)
                AppendPart(m.Parts[p], new(index, p), m.Role);
        }

        void AppendPart(TemplateContentPart part, TemplatePartLocation at, TemplateRole role)
        {
            int start = Text.Length;
            switch (part.Kind)
            {
                case TemplatePartKind.Text:
                    Text.Append(part.Text);
                    Spans.Add(new(start, Text.Length - start, role));
                    break;
                case TemplatePartKind.Image:
                    Text.Append(TemplatePlaceholders.Image);
                    Images.Add(at);
                    break;
                case TemplatePartKind.Video:
                    Text.Append(TemplatePlaceholders.Video);
                    Videos.Add(at);
                    break;
                case TemplatePartKind.Json:
                    PythonJson.Write(Text, part.Json);
                    Spans.Add(new(start, Text.Length - start, role));
                    break;
            }
        }

        public void AppendAssistant(TemplateMessage m, int index, bool afterLastUser)
        {
            // visible_text(m.content), remembering where each placeholder sits in it.
            var content = new StringBuilder();
            var media = new List<(int Offset, int Length, TemplatePartKind Kind, TemplatePartLocation At)>();
            for (int p = 0; p < m.Parts.Count; p++)
            {
                var part = m.Parts[p];
                switch (part.Kind)
                {
                    case TemplatePartKind.Text:
                        content.Append(part.Text);
                        break;
                    case TemplatePartKind.Image:
                        media.Add((content.Length, TemplatePlaceholders.Image.Length, part.Kind, new(index, p)));
                        content.Append(TemplatePlaceholders.Image);
                        break;
                    case TemplatePartKind.Video:
                        media.Add((content.Length, TemplatePlaceholders.Video.Length, part.Kind, new(index, p)));
                        content.Append(TemplatePlaceholders.Video);
                        break;
                }
            }
            string visible = content.ToString();

            // reasoning_content and content as ranges of a source string (the message's reasoning, or visible).
            string reasoningSource = m.ReasoningContent ?? visible;
            int rStart = 0, rEnd = m.ReasoningContent?.Length ?? 0;
            int cStart = 0, cEnd = visible.Length;
            if (m.ReasoningContent is null)
            {
                int firstClose = visible.IndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal);
                if (firstClose >= 0)
                {
                    // content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
                    rEnd = firstClose;
                    while (rEnd > 0 && visible[rEnd - 1] == '\n') rEnd--;
                    int open = visible.AsSpan(0, rEnd).LastIndexOf(GlmTags.ThinkStart, StringComparison.Ordinal);
                    rStart = open >= 0 ? open + GlmTags.ThinkStart.Length : 0;
                    while (rStart < rEnd && visible[rStart] == '\n') rStart++;
                    // content.split('</think>')[-1].lstrip('\n')
                    cStart = visible.LastIndexOf(GlmTags.ThinkEnd, StringComparison.Ordinal) + GlmTags.ThinkEnd.Length;
                    while (cStart < cEnd && visible[cStart] == '\n') cStart++;
                }
            }

            if (afterLastUser && rEnd > rStart)
            {
                var (s, e) = PythonString.Strip(reasoningSource, rStart, rEnd);
                Text.Append('\n').Append(GlmTags.ThinkStart);
                AppendRange(reasoningSource, s, e, m.ReasoningContent is null ? media : null);
                Text.Append(GlmTags.ThinkEnd);
            }
            else
            {
                Text.Append('\n').Append(GlmTags.ThinkStart).Append(GlmTags.ThinkEnd);
            }

            var (cs, ce) = PythonString.Strip(visible, cStart, cEnd);
            if (ce > cs)
            {
                Text.Append('\n');
                AppendRange(visible, cs, ce, media);
            }

            foreach (var call in m.ToolCalls)
            {
                Text.Append('\n').Append(GlmTags.ToolCallStart).Append(call.Name).Append('\n');
                foreach (var (key, value) in call.Arguments)
                {
                    Text.Append(GlmTags.ArgKeyStart).Append(key).Append(GlmTags.ArgKeyEnd).Append('\n').Append(GlmTags.ArgValueStart);
                    if (JsonNodeConversion.TryGetString(value, out string? s))
                        Text.Append(s);
                    else
                        PythonJson.Write(Text, value);
                    Text.Append(GlmTags.ArgValueEnd).Append('\n');
                }
                Text.Append(GlmTags.ToolCallEnd);
            }
        }

        void AppendRange(string source, int start, int end, List<(int Offset, int Length, TemplatePartKind Kind, TemplatePartLocation At)>? media)
        {
            Text.Append(source, start, end - start);
            if (media is null) return;
            foreach (var (offset, length, kind, at) in media)
            {
                if (offset < start || offset + length > end) continue;
                (kind == TemplatePartKind.Image ? Images : Videos).Add(at);
            }
        }
    }
}
