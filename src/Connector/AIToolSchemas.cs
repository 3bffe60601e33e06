using System.Text.Json;
using Glm4vSK.Formats;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Connector;

/// <summary>The <see cref="GlmParserOptions.ToolSchemas"/> map from Microsoft.Extensions.AI tools (the formats assembly knows no MEAI types).</summary>
public static class AIToolSchemas
{
    /// <summary>Name → <see cref="AIFunctionDeclaration.JsonSchema"/> of every function declaration among <paramref name="tools"/>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> FromTools(IEnumerable<AITool>? tools)
    {
        var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (tools is null) return map;
        foreach (var tool in tools)
            if (tool is AIFunctionDeclaration f) map[f.Name] = f.JsonSchema;
        return map;
    }
}
