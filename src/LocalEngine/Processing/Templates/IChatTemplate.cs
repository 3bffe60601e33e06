namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// A chat template of one family, rendered by hand byte for byte as transformers renders the checkpoint's Jinja
/// template (<c>trim_blocks</c>, <c>lstrip_blocks</c>, <c>tojson</c> = <c>json.dumps(ensure_ascii=False)</c>).
/// </summary>
public interface IChatTemplate
{
    ChatTemplateFamily Family { get; }

    /// <summary>
    /// <c>apply_chat_template(messages, tools=tools, add_generation_prompt=…, [enable_thinking=…], tokenize=False)</c>.
    /// </summary>
    /// <param name="tools">Null or empty: no tools.</param>
    /// <param name="enableThinking">Null: the kwarg is not passed (undefined in the template).</param>
    string Render(IReadOnlyList<TemplateMessage> messages, IReadOnlyList<TemplateTool>? tools, bool addGenerationPrompt, bool? enableThinking);

    /// <summary><see cref="Render"/>, plus where each image and video placeholder came from.</summary>
    RenderedChatTemplate RenderWithMedia(IReadOnlyList<TemplateMessage> messages, IReadOnlyList<TemplateTool>? tools, bool addGenerationPrompt, bool? enableThinking);
}
