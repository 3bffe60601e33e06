using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.Formats;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// One tool declaration as the templates receive it (the OpenAI/Hugging Face tool object), written with
/// <c>tojson</c> in the key order of <see cref="Definition"/>:
/// <c>{"type": "function", "function": {"name": ..., "description": ..., "parameters": {...}}}</c>.
/// </summary>
public sealed class TemplateTool
{
    /// <summary>A tool from its whole definition object (copied).</summary>
    public TemplateTool(JsonObject definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition.DeepClone().AsObject();
    }

    /// <summary>The tool object. Do not modify it.</summary>
    public JsonObject Definition { get; }

    /// <summary><c>function.name</c>, or a top-level <c>name</c>, when present.</summary>
    public string? Name =>
        (Definition["function"] is JsonObject f ? f["name"] : Definition["name"]) is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    /// <summary>
    /// <c>{"type": "function", "function": {"name", "description" (only when non-empty), "parameters"}}</c>, the layout
    /// OpenAI-compatible clients send. A null <paramref name="parameters"/> leaves the key out.
    /// </summary>
    public static TemplateTool Function(string name, string? description, JsonNode? parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var function = new JsonObject { ["name"] = name };
        if (!string.IsNullOrEmpty(description)) function["description"] = description;
        if (parameters is not null) function["parameters"] = parameters.DeepClone();
        return new TemplateTool(new JsonObject { ["type"] = "function", ["function"] = function });
    }

    /// <summary><see cref="Function(string, string?, JsonNode?)"/> with a JSON schema element.</summary>
    public static TemplateTool Function(string name, string? description, JsonElement parameters) =>
        Function(name, description, JsonNodeConversion.FromElement(parameters));

    /// <summary>The <c>tojson</c> text of the definition, as the tools block writes it.</summary>
    public override string ToString() => PythonJson.Serialize(Definition);
}
