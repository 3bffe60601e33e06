namespace Glm4vSK.Connector;

/// <summary>Client-wide defaults for <see cref="Glm4vChatClient"/>. Per-request <c>ChatOptions</c> override them.</summary>
public sealed record Glm4vChatClientOptions
{
    /// <summary>Reported as <c>ModelId</c> and in <c>ChatClientMetadata</c> (default: the model directory's name).</summary>
    public string? ModelId { get; init; }
    /// <summary>Default for thinking (GLM-4.5V/4.6V template; GLM-4.1V always thinks). Null: the template's default (on).</summary>
    public bool? EnableThinking { get; init; }
    /// <summary>Return <c>TextReasoningContent</c> (default true); false drops reasoning from the output.</summary>
    public bool IncludeReasoning { get; init; } = true;
    /// <summary>Default output budget when <c>ChatOptions.MaxOutputTokens</c> is not set (null: generation_config / 1024).</summary>
    public int? MaxOutputTokens { get; init; }
    /// <summary>Default lower pixel budget of each image (<c>AdditionalProperties["min_pixels"]</c> overrides it; null: the checkpoint's).</summary>
    public long? MinPixels { get; init; }
    /// <summary>Default upper pixel budget of each image (<c>AdditionalProperties["max_pixels"]</c> overrides it; null: the checkpoint's).</summary>
    public long? MaxPixels { get; init; }
}
