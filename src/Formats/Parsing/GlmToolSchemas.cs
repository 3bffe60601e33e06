using System.Text.Json;

namespace Glm4vSK.Formats;

/// <summary>
/// Builds the <see cref="GlmParserOptions.ToolSchemas"/> map from an OpenAI <c>tools</c> array and answers the one question
/// the parsers ask of it (from Microsoft.Extensions.AI tools: <c>Glm4vSK.Connector.AIToolSchemas</c>).
/// </summary>
public static class GlmToolSchemas
{
    /// <summary>
    /// Name → <c>function.parameters</c> of an OpenAI <c>tools</c> array (<c>[{"type":"function","function":{…}}]</c>);
    /// a bare function object (<c>{"name":…,"parameters":…}</c>) is accepted as an item too.
    /// </summary>
    public static IReadOnlyDictionary<string, JsonElement> FromOpenAITools(JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array) throw new ArgumentException("An OpenAI tools array is expected.", nameof(tools));
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object) continue;
            var function = tool.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : tool;
            if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String) continue;
            map[name.GetString()!] = function.TryGetProperty("parameters", out var p) ? p.Clone() : default;
        }
        return map;
    }

    /// <summary>
    /// vLLM's rule: <c>true</c> only when the tool's schema has <c>properties[argument].type == "string"</c>
    /// (<c>["string","null"]</c> does not count).
    /// </summary>
    public static bool IsStringParameter(IReadOnlyDictionary<string, JsonElement>? schemas, string toolName, string argument)
    {
        if (schemas is null || !schemas.TryGetValue(toolName, out var schema)) return false;
        return schema.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
            && props.TryGetProperty(argument, out var prop) && prop.ValueKind == JsonValueKind.Object
            && prop.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && type.ValueEquals("string");
    }
}
