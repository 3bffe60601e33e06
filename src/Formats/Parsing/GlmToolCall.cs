namespace Glm4vSK.Formats;

/// <summary>A tool call parsed from a complete output.</summary>
/// <param name="Name">The function name (stripped).</param>
/// <param name="Arguments">Values: <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>, <c>null</c>,
/// <see cref="System.Text.Json.JsonElement"/> (objects, arrays); in output order, a repeated key keeping its first position and last value.</param>
/// <param name="ArgumentsJson">The arguments as vLLM serialises them (<c>json.dumps(…, ensure_ascii=False)</c>).</param>
/// <param name="RawText">The whole <c>&lt;tool_call&gt;…&lt;/tool_call&gt;</c> block.</param>
public sealed record GlmToolCall(string Name, IReadOnlyDictionary<string, object?> Arguments, string ArgumentsJson, string RawText);
