namespace Glm4vSK.LocalEngine.Processing;

/// <summary>The role of a <see cref="TemplateMessage"/>: the four roles the GLM-4V chat templates know.</summary>
public enum TemplateRole
{
    System,
    User,
    Assistant,
    /// <summary>A tool (function) result, written after <c>&lt;|observation|&gt;</c>; Hugging Face role <c>tool</c>.</summary>
    Tool,
}
