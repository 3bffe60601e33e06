namespace Glm4vSK.Server.ChatCompletions;

/// <summary>A request the server refuses: written as <c>{"error": {"message", "type", "param", "code"}}</c> with <see cref="Status"/>.</summary>
public sealed class OpenAIErrorException(int status, string message, string? param = null, string? code = null, string type = "invalid_request_error", Exception? inner = null)
    : Exception(message, inner)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;
    public string? Code { get; } = code;

    /// <summary>A 400 for a field with a bad value, naming it (<c>messages[1].content[0].image_url.url</c>).</summary>
    public static OpenAIErrorException BadField(string param, string message) => new(400, $"'{param}' {message}", param, "invalid_value");
}
