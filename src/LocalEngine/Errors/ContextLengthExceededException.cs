namespace Glm4vSK.LocalEngine;

/// <summary>The prompt (plus the tokens asked for) does not fit into the engine's context window.</summary>
public sealed class ContextLengthExceededException : Glm4vException
{
    public ContextLengthExceededException(int promptTokens, int maxNewTokens, int contextTokens)
        : base($"The prompt has {promptTokens} tokens; with room for at least one new token it needs more than the " +
               $"context window of {contextTokens} tokens. Shorten the conversation, lower the image pixel budget, or " +
               $"raise EngineOptions.MaxContextTokens (up to the model's max_position_embeddings).")
    {
        PromptTokens = promptTokens;
        MaxNewTokens = maxNewTokens;
        ContextTokens = contextTokens;
    }

    public int PromptTokens { get; }
    public int MaxNewTokens { get; }
    public int ContextTokens { get; }
}
