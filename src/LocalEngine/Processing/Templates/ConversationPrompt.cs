namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// A conversation rendered with a chat template: the prompt text, and the images and videos whose placeholders it
/// holds, in prompt order (the order the image/video processor must take them in).
/// </summary>
public sealed record ConversationPrompt(string Text, IReadOnlyList<ConversationMedia> Images, IReadOnlyList<ConversationMedia> Videos)
{
    /// <summary>Where the text of user, system and tool messages sits in <see cref="Text"/> (see <see cref="RenderedChatTemplate.ContentSpans"/>).</summary>
    public IReadOnlyList<TemplateTextSpan> ContentSpans { get; init; } = [];
}
