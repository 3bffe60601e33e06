using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>
/// Finds the chat-template family of a model directory: from the checkpoint's own template text
/// (<c>chat_template.jinja</c>, else <c>tokenizer_config.json</c>'s <c>chat_template</c>, else <c>chat_template.json</c>),
/// else from <c>config.json</c>'s <c>model_type</c>. A family given by the caller wins.
/// </summary>
public static class ChatTemplateFamilyDetector
{
    /// <summary>Markers found only in the GLM-4.5V/4.6V template (tools, thinking switch), never in GLM-4.1V's.</summary>
    static readonly string[] Glm45vMarkers = ["/nothink", "<arg_key>", "<tool_call>", "tool_response", "enable_thinking"];

    /// <summary>
    /// The family of the model in <paramref name="modelDirectory"/>, or <paramref name="family"/> when given.
    /// Order: the template text (see <see cref="FromTemplateText"/>); then <c>model_type</c> (<c>glm4v</c> → GLM-4.1V,
    /// <c>glm4v_moe</c> and <c>glm46v</c> → GLM-4.5V). So a <c>glm4v</c> checkpoint shipping the GLM-4.5V-style
    /// template (GLM-4.6V-Flash) gets <see cref="ChatTemplateFamily.Glm45v"/>.
    /// </summary>
    /// <exception cref="ModelConfigException">Neither a recognisable template nor a readable <c>config.json</c>.</exception>
    /// <exception cref="UnsupportedModelException">No recognisable template and a <c>model_type</c> of another model.</exception>
    public static ChatTemplateFamily Detect(string modelDirectory, ChatTemplateFamily? family = null)
    {
        if (family is { } given) return given;
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        if (ReadTemplateText(modelDirectory) is { } text && FromTemplateText(text) is { } fromTemplate) return fromTemplate;

        string configPath = Path.Combine(modelDirectory, "config.json");
        if (!File.Exists(configPath))
            throw new ModelConfigException("config.json", null,
                $"file not found in '{modelDirectory}', and no GLM-4V chat template there to tell the template family; pass the family explicitly.");
        string? modelType = ConfigJson.Load(configPath).OptString("model_type");
        if (modelType is null)
            throw new ModelConfigException("config.json", "model_type", "required field is missing (needed to tell the chat-template family).");
        return FromModelType(modelType) ?? throw new UnsupportedModelException(modelType,
            $"config.json: model_type '{modelType}' is not a GLM-4V model (expected glm4v, glm4v_moe or glm46v), and the directory has no GLM-4V chat template.");
    }

    /// <summary>
    /// The family a Jinja template text belongs to: GLM-4.5V when it holds any of <c>/nothink</c>, <c>&lt;arg_key&gt;</c>,
    /// <c>&lt;tool_call&gt;</c>, <c>tool_response</c>, <c>enable_thinking</c>; GLM-4.1V when it is a GLM template
    /// (<c>[gMASK]</c> or <c>&lt;|begin_of_image|&gt;</c>, with <c>&lt;|assistant|&gt;</c>) without them; else null.
    /// </summary>
    public static ChatTemplateFamily? FromTemplateText(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        bool glm = (template.Contains("[gMASK]", StringComparison.Ordinal) || template.Contains("<|begin_of_image|>", StringComparison.Ordinal))
                   && template.Contains("<|assistant|>", StringComparison.Ordinal);
        if (!glm) return null;
        return Glm45vMarkers.Any(m => template.Contains(m, StringComparison.Ordinal)) ? ChatTemplateFamily.Glm45v : ChatTemplateFamily.Glm41v;
    }

    /// <summary><c>glm4v</c> → GLM-4.1V; <c>glm4v_moe</c>, <c>glm46v</c> → GLM-4.5V; anything else → null.</summary>
    public static ChatTemplateFamily? FromModelType(string? modelType) => modelType switch
    {
        "glm4v" => ChatTemplateFamily.Glm41v,
        "glm4v_moe" or "glm46v" => ChatTemplateFamily.Glm45v,
        _ => null,
    };

    /// <summary>
    /// The checkpoint's chat template text: <c>chat_template.jinja</c>; else <c>tokenizer_config.json</c>'s
    /// <c>chat_template</c> (a string, or a list of <c>{name, template}</c> of which "default" or the first is taken);
    /// else <c>chat_template.json</c>'s <c>chat_template</c>; else null.
    /// </summary>
    public static string? ReadTemplateText(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        string jinja = Path.Combine(modelDirectory, "chat_template.jinja");
        if (File.Exists(jinja)) return File.ReadAllText(jinja);
        foreach (string name in (string[])["tokenizer_config.json", "chat_template.json"])
        {
            string path = Path.Combine(modelDirectory, name);
            if (!File.Exists(path)) continue;
            var node = ConfigJson.Load(path).Raw["chat_template"];
            if (TemplateOf(node) is { } text) return text;
        }
        return null;
    }

    static string? TemplateOf(JsonNode? node)
    {
        if (JsonNodeConversion.TryGetString(node, out string? s)) return s;
        if (node is not JsonArray list) return null;
        var named = list.OfType<JsonObject>().ToList();
        var pick = named.FirstOrDefault(o => JsonNodeConversion.TryGetString(o["name"], out var n) && n == "default") ?? named.FirstOrDefault();
        return pick is not null && JsonNodeConversion.TryGetString(pick["template"], out var t) ? t : null;
    }
}
