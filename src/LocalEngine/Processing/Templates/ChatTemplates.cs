namespace Glm4vSK.LocalEngine.Processing;

/// <summary>The renderer of each <see cref="ChatTemplateFamily"/>.</summary>
public static class ChatTemplates
{
    public static IChatTemplate For(ChatTemplateFamily family) => family switch
    {
        ChatTemplateFamily.Glm41v => Glm41vChatTemplate.Instance,
        ChatTemplateFamily.Glm45v => Glm45vChatTemplate.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Unknown chat-template family."),
    };

    /// <summary>The renderer for the model in <paramref name="modelDirectory"/> (see <see cref="ChatTemplateFamilyDetector.Detect"/>), or for <paramref name="family"/> when given.</summary>
    public static IChatTemplate ForModel(string modelDirectory, ChatTemplateFamily? family = null) =>
        For(ChatTemplateFamilyDetector.Detect(modelDirectory, family));
}
