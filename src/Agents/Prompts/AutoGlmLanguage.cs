namespace Glm4vSK.Agents.Prompts;

/// <summary>The language of AutoGLM-Phone's system prompt (Open-AutoGLM <c>--lang</c>).</summary>
public enum AutoGlmLanguage
{
    /// <summary>The Chinese prompt with the full action list (Open-AutoGLM's default, <c>cn</c>).</summary>
    Chinese,

    /// <summary>The English prompt with the short action list (<c>--lang en</c>; for AutoGLM-Phone-9B-Multilingual).</summary>
    English,
}
