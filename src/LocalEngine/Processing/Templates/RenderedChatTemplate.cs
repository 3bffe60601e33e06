namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// A rendered prompt and the image and video parts whose placeholders it contains, in prompt order (the order the
/// processor must receive the media in). Parts a template drops (for example GLM-4.1V drops tool messages) are absent.
/// </summary>
public sealed record RenderedChatTemplate(string Text, IReadOnlyList<TemplatePartLocation> Images, IReadOnlyList<TemplatePartLocation> Videos)
{
    /// <summary>Where the text of user, system and tool messages sits in <see cref="Text"/>, in order.</summary>
    public IReadOnlyList<TemplateTextSpan> ContentSpans { get; init; } = [];
}
