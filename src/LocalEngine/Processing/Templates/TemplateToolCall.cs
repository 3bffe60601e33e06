using System.Text.Json.Nodes;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// One function call of an assistant message: the function name and its arguments in order (a Python dict; the
/// templates call <c>.items()</c> on it). String values are written raw, everything else with <c>tojson</c>.
/// </summary>
public sealed class TemplateToolCall
{
    /// <summary>A call with arguments in the given order (the values are copied; a null value is JSON <c>null</c>).</summary>
    public TemplateToolCall(string name, IEnumerable<KeyValuePair<string, JsonNode?>>? arguments = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Arguments = arguments is null ? [] : arguments.Select(a => new KeyValuePair<string, JsonNode?>(a.Key, a.Value?.DeepClone())).ToList();
    }

    /// <summary>A call whose arguments are the properties of a JSON object, in order.</summary>
    public TemplateToolCall(string name, JsonObject arguments) : this(name, (IEnumerable<KeyValuePair<string, JsonNode?>>)arguments) { }

    public string Name { get; }

    /// <summary>The arguments in order. Do not modify the nodes.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>> Arguments { get; }
}
