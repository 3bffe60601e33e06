namespace Glm4vSK.LocalEngine;

/// <summary>Why a sequence stopped.</summary>
public enum GenerationFinishReason
{
    /// <summary>It produced a stop token (the token is reported, with <see cref="GeneratedToken.IsStopToken"/> set).</summary>
    Stop,
    /// <summary>It reached the token limit or the end of the context window.</summary>
    Length,
}

/// <summary>One generated token of sequence <see cref="Sequence"/> (the row of the batch).</summary>
/// <param name="Sequence">Row of the batch (0 for a single prompt).</param>
/// <param name="TokenId">The token.</param>
/// <param name="Index">0-based index of the token within its sequence's output.</param>
/// <param name="IsStopToken">The token is one of the stop ids (callers usually don't show it).</param>
/// <param name="FinishReason">Set on the last token of the sequence.</param>
public readonly record struct GeneratedToken(int Sequence, int TokenId, int Index, bool IsStopToken, GenerationFinishReason? FinishReason)
{
    /// <summary>
    /// The text this token completes, when the engine has a tokenizer: UTF-8 safe (a character split across tokens
    /// appears with its last token), special tokens kept for the output parsers, stop tokens left out. Empty otherwise.
    /// </summary>
    public string TextDelta { get; init; } = "";

    /// <summary>
    /// Prompt tokens of this sequence whose keys and values came from the engine's prefix cache instead of being
    /// prefilled (<see cref="EngineOptions.PrefixCacheBytes"/>); the same on every token of the sequence. 0 when
    /// nothing was reused, and for batches of more than one row (they bypass the prefix cache).
    /// </summary>
    public int CachedPromptTokens { get; init; }
}
