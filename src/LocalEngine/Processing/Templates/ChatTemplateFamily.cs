namespace Glm4vSK.LocalEngine.Processing;

/// <summary>The chat-template families of the GLM-4V models; each has a hand-written renderer.</summary>
public enum ChatTemplateFamily
{
    /// <summary>
    /// GLM-4.1V-9B-Thinking (and AutoGLM-Phone-9B): no tools, no thinking switch, history verbatim, optional assistant
    /// metadata. <see cref="Glm41vChatTemplate"/>.
    /// </summary>
    Glm41v,

    /// <summary>
    /// GLM-4.5V / GLM-4.6V / GLM-4.6V-Flash: tools block, <c>&lt;tool_call&gt;</c> history, <c>&lt;|observation|&gt;</c>
    /// results (with images), <c>enable_thinking</c> / <c>/nothink</c>. <see cref="Glm45vChatTemplate"/>.
    /// </summary>
    Glm45v,
}
