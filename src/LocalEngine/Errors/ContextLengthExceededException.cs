namespace Glm4vSK.LocalEngine;

/// <summary>The prompt (plus the tokens asked for) does not fit into the engine's context window.</summary>
public sealed class ContextLengthExceededException : Glm4vException
{
    /// <param name="promptTokensAtLeast">True when the prompt was refused before it was fully counted, so that
    /// <paramref name="promptTokens"/> is a lower bound.</param>
    public ContextLengthExceededException(int promptTokens, int maxNewTokens, int contextTokens, bool promptTokensAtLeast = false)
        : base($"The prompt has {(promptTokensAtLeast ? "at least " : "")}{promptTokens} tokens; with room for at least one new token it needs more than the " +
               $"context window of {contextTokens} tokens. Shorten the conversation, lower the image pixel budget, or " +
               $"raise EngineOptions.MaxContextTokens (up to the model's max_position_embeddings).")
    {
        PromptTokens = promptTokens;
        MaxNewTokens = maxNewTokens;
        ContextTokens = contextTokens;
        PromptTokensAtLeast = promptTokensAtLeast;
    }

    /// <summary>True when <see cref="PromptTokens"/> is a lower bound (the prompt was refused before it was fully tokenized or expanded).</summary>
    public bool PromptTokensAtLeast { get; }

    public int PromptTokens { get; }
    public int MaxNewTokens { get; }
    public int ContextTokens { get; }
}
