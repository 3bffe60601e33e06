using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Tests.Support;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary><see cref="ChatTemplateFamilyDetector"/> on temporary model directories.</summary>
public sealed class ChatTemplateFamilyDetectorTests
{
    const string Glm41vTemplate =
        "[gMASK]<sop>\n{%- for msg in messages %}\n<|user|>{{ msg.content }}\n<|begin_of_image|><|image|><|end_of_image|>\n{%- endfor %}\n" +
        "{% if add_generation_prompt %}<|assistant|>\n{% endif %}";

    const string Glm45vTemplate =
        "[gMASK]<sop>\n{%- if tools -%}<|system|>\n# Tools\n<tool_call>{function-name}\n<arg_key>{arg-key-1}</arg_key>{%- endif -%}\n" +
        "{{- '/nothink' if (enable_thinking is defined and not enable_thinking) else '' -}}<|assistant|>";

    static void Config(TempDir dir, string modelType) =>
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), new JsonObject { ["model_type"] = modelType }.ToJsonString());

    [Fact]
    public void From_model_type_without_a_template()
    {
        using var dir = new TempDir();
        Config(dir, "glm4v");
        Assert.Equal(ChatTemplateFamily.Glm41v, ChatTemplateFamilyDetector.Detect(dir.Path));
        Config(dir, "glm4v_moe");
        Assert.Equal(ChatTemplateFamily.Glm45v, ChatTemplateFamilyDetector.Detect(dir.Path));
        Config(dir, "glm46v");
        Assert.Equal(ChatTemplateFamily.Glm45v, ChatTemplateFamilyDetector.Detect(dir.Path));
        Config(dir, "qwen2_vl");
        var e = Assert.Throws<UnsupportedModelException>(() => ChatTemplateFamilyDetector.Detect(dir.Path));
        Assert.Equal("qwen2_vl", e.ModelType);
    }

    [Fact]
    public void Chat_template_jinja_overrides_the_model_type()
    {
        using var dir = new TempDir();
        Config(dir, "glm4v"); // GLM-4.6V-Flash: dense decoder, 4.5V-style template
        File.WriteAllText(Path.Combine(dir.Path, "chat_template.jinja"), Glm45vTemplate);
        Assert.Equal(ChatTemplateFamily.Glm45v, ChatTemplateFamilyDetector.Detect(dir.Path));
        Assert.Same(Glm45vChatTemplate.Instance, ChatTemplates.ForModel(dir.Path));

        File.WriteAllText(Path.Combine(dir.Path, "chat_template.jinja"), Glm41vTemplate);
        Assert.Equal(ChatTemplateFamily.Glm41v, ChatTemplateFamilyDetector.Detect(dir.Path));
    }

    [Fact]
    public void Tokenizer_config_template_is_read_when_there_is_no_jinja_file()
    {
        using var dir = new TempDir();
        Config(dir, "glm4v_moe");
        File.WriteAllText(Path.Combine(dir.Path, "tokenizer_config.json"), new JsonObject { ["chat_template"] = Glm41vTemplate }.ToJsonString());
        Assert.Equal(ChatTemplateFamily.Glm41v, ChatTemplateFamilyDetector.Detect(dir.Path));
        Assert.Equal(Glm41vTemplate, ChatTemplateFamilyDetector.ReadTemplateText(dir.Path));

        // The list form: [{name, template}], "default" preferred.
        File.WriteAllText(Path.Combine(dir.Path, "tokenizer_config.json"), new JsonObject
        {
            ["chat_template"] = new JsonArray(
                new JsonObject { ["name"] = "tool_use", ["template"] = Glm41vTemplate },
                new JsonObject { ["name"] = "default", ["template"] = Glm45vTemplate }),
        }.ToJsonString());
        Assert.Equal(ChatTemplateFamily.Glm45v, ChatTemplateFamilyDetector.Detect(dir.Path));
    }

    [Fact]
    public void Unrecognised_template_falls_back_to_model_type_and_the_caller_wins()
    {
        using var dir = new TempDir();
        Config(dir, "glm4v_moe");
        File.WriteAllText(Path.Combine(dir.Path, "chat_template.jinja"), "{% for m in messages %}<|im_start|>{{ m.content }}{% endfor %}");
        Assert.Equal(ChatTemplateFamily.Glm45v, ChatTemplateFamilyDetector.Detect(dir.Path));
        Assert.Equal(ChatTemplateFamily.Glm41v, ChatTemplateFamilyDetector.Detect(dir.Path, ChatTemplateFamily.Glm41v));
        Assert.Same(Glm41vChatTemplate.Instance, ChatTemplates.ForModel(dir.Path, ChatTemplateFamily.Glm41v));
    }

    [Fact]
    public void Nothing_to_go_by_is_a_config_error()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ModelConfigException>(() => ChatTemplateFamilyDetector.Detect(dir.Path));
        Assert.Equal("config.json", e.File);
        Assert.Null(ChatTemplateFamilyDetector.ReadTemplateText(dir.Path));
    }

    [Fact]
    public void Template_text_markers()
    {
        Assert.Equal(ChatTemplateFamily.Glm41v, ChatTemplateFamilyDetector.FromTemplateText(Glm41vTemplate));
        Assert.Equal(ChatTemplateFamily.Glm45v, ChatTemplateFamilyDetector.FromTemplateText(Glm45vTemplate));
        Assert.Null(ChatTemplateFamilyDetector.FromTemplateText("{{ messages }}"));
    }
}
