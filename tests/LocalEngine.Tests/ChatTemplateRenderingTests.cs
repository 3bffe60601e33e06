using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// Template behaviour the fixtures do not pin down. Expected strings were rendered with Jinja2 (transformers'
/// environment) from the same templates the fixtures were made from.
/// </summary>
public sealed class ChatTemplateRenderingTests
{
    static readonly IChatTemplate Glm45v = Glm45vChatTemplate.Instance;
    static readonly IChatTemplate Glm41v = Glm41vChatTemplate.Instance;

    static TemplateMessage Text(TemplateRole role, string text) => new(role, text);

    [Fact]
    public void Glm45v_splits_inline_think_like_the_template()
    {
        // reasoning = before the first </think>, after the last <think> there; content = after the last </think>;
        // newlines trimmed, then Python strip() (which also strips U+001C).
        var messages = new[]
        {
            Text(TemplateRole.User, "Q"),
            Text(TemplateRole.Assistant, "\n<think>\nold<think>\nr1\n</think>\n\nmid</think>\n\n A \u001c"),
        };
        Assert.Equal("[gMASK]<sop><|user|>\nQ<|assistant|>\n<think>r1</think>\nA", Glm45v.Render(messages, null, false, null));
    }

    [Fact]
    public void Glm45v_string_reasoning_content_stops_the_split_even_when_empty()
    {
        var messages = new[]
        {
            Text(TemplateRole.User, "Q"),
            new TemplateMessage(TemplateRole.Assistant, "<think>r</think>A") { ReasoningContent = "" },
        };
        Assert.Equal("[gMASK]<sop><|user|>\nQ<|assistant|>\n<think></think>\n<think>r</think>A", Glm45v.Render(messages, null, false, null));
    }

    [Fact]
    public void Glm45v_appends_nothink_once_per_user_turn()
    {
        var messages = new[]
        {
            Text(TemplateRole.User, "Q/nothink"),
            new TemplateMessage(TemplateRole.User, [TemplateContentPart.FromText("R"), TemplateContentPart.Image]),
        };
        Assert.Equal(
            "[gMASK]<sop><|user|>\nQ/nothink<|user|>\nR<|begin_of_image|><|image|><|end_of_image|>/nothink<|assistant|>\n<think></think>\n",
            Glm45v.Render(messages, null, true, false));
        Assert.Equal(
            "[gMASK]<sop><|user|>\nQ/nothink<|user|>\nR<|begin_of_image|><|image|><|end_of_image|><|assistant|>\n",
            Glm45v.Render(messages, null, true, true));
    }

    [Fact]
    public void Glm45v_string_results_end_with_a_newline_and_list_results_do_not()
    {
        var messages = new[]
        {
            Text(TemplateRole.Tool, "a"),
            new TemplateMessage(TemplateRole.Tool, [
                TemplateContentPart.FromText("b"),
                TemplateContentPart.FromJson(new JsonObject { ["type"] = "custom", ["x"] = new JsonArray(1, 2.0) }),
            ]),
            Text(TemplateRole.Tool, "c"),
        };
        Assert.Equal(
            "[gMASK]<sop><|observation|>\n<tool_response>\na\n</tool_response>\n\n<tool_response>\nb{\"type\": \"custom\", \"x\": [1, 2.0]}\n</tool_response>\n<tool_response>\nc\n</tool_response>\n<|assistant|>\n",
            Glm45v.Render(messages, null, true, true));
    }

    [Fact]
    public void Glm45v_media_in_dropped_reasoning_is_not_reported()
    {
        var messages = new[]
        {
            new TemplateMessage(TemplateRole.Assistant, [
                TemplateContentPart.FromText("<think>"), TemplateContentPart.Image, TemplateContentPart.FromText("</think>see "), TemplateContentPart.Image,
            ]),
            Text(TemplateRole.User, "Q"),
        };
        var r = Glm45v.RenderWithMedia(messages, null, false, null);
        Assert.Equal("[gMASK]<sop><|assistant|>\n<think></think>\nsee <|begin_of_image|><|image|><|end_of_image|><|user|>\nQ", r.Text);
        Assert.Equal([new TemplatePartLocation(0, 3)], r.Images);
    }

    [Fact]
    public void Glm41v_writes_metadata_and_ignores_tools_thinking_and_tool_messages()
    {
        var messages = new[]
        {
            Text(TemplateRole.System, "S"),
            Text(TemplateRole.User, "Q"),
            new TemplateMessage(TemplateRole.Assistant, "<think>t</think><answer>A</answer>")
            {
                Metadata = "meta",
                ReasoningContent = "ignored",
                ToolCalls = [new TemplateToolCall("f")],
            },
            Text(TemplateRole.Tool, "r"),
            new TemplateMessage(TemplateRole.User, [TemplateContentPart.Video, TemplateContentPart.FromText("V")]),
        };
        TemplateTool[] tools = [new(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "f" } })];
        var r = Glm41v.RenderWithMedia(messages, tools, true, false);
        Assert.Equal(
            "[gMASK]<sop><|system|>\nS<|user|>\nQ<|assistant|>meta\n<think>t</think><answer>A</answer><|user|>\n<|begin_of_video|><|video|><|end_of_video|>V<|assistant|>\n",
            r.Text);
        Assert.Equal([new TemplatePartLocation(4, 0)], r.Videos);
    }

    [Fact]
    public void Json_parts_are_only_for_tool_results()
    {
        Assert.Throws<ArgumentException>(() => new TemplateMessage(TemplateRole.User, [TemplateContentPart.FromJson(new JsonObject())]));
    }
}
