using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.LocalEngine.Processing;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary><see cref="MeaiConversation"/>: Microsoft.Extensions.AI messages and tools → template messages and media.</summary>
public sealed class MeaiConversationTests
{
    static readonly JsonElement WeatherSchema = JsonDocument.Parse(
        """{"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}}""").RootElement.Clone();

    static DataContent Png() => new(new byte[] { 0x89, 0x50, 0x4e, 0x47 }, "image/png");

    /// <summary>A weather conversation with an image in the tool result (as in the glm-4.5v__tool_result_with_image fixture).</summary>
    static (List<ChatMessage> Messages, DataContent UserImage, DataContent ToolImage) WeatherConversation()
    {
        var userImage = Png();
        var toolImage = Png();
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "You are a helpful assistant."),
            new(ChatRole.User, [userImage, new TextContent("Where was this photo taken? Check the weather there.")]),
            new(ChatRole.Assistant, [
                new TextReasoningContent("The landmark is the Eiffel Tower."),
                new FunctionCallContent("call-1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = 2 }),
            ]),
            new(ChatRole.Tool, [new FunctionResultContent("call-1", new List<AIContent> { new TextContent("Sunny, 21°C"), toolImage })]),
        };
        return (messages, userImage, toolImage);
    }

    static List<TemplateMessage> WeatherTemplateMessages() =>
    [
        new(TemplateRole.System, "You are a helpful assistant."),
        new(TemplateRole.User, [TemplateContentPart.Image, TemplateContentPart.FromText("Where was this photo taken? Check the weather there.")]),
        new(TemplateRole.Assistant, "")
        {
            ReasoningContent = "The landmark is the Eiffel Tower.",
            ToolCalls = [new TemplateToolCall("get_weather", new JsonObject { ["city"] = "Paris", ["days"] = 2 })],
        },
        new(TemplateRole.Tool, [TemplateContentPart.FromText("Sunny, 21°C"), TemplateContentPart.Image]),
    ];

    [Fact]
    public void Renders_the_same_as_hand_built_template_messages()
    {
        var (messages, userImage, toolImage) = WeatherConversation();
        var tool = AIFunctionFactory.CreateDeclaration("get_weather", "", WeatherSchema);
        var conversation = MeaiConversation.Create(messages, [tool]);

        TemplateTool[] tools = [TemplateTool.Function("get_weather", null, WeatherSchema)];
        foreach (var family in Enum.GetValues<ChatTemplateFamily>())
            foreach (bool? thinking in new bool?[] { null, true, false })
            {
                var template = ChatTemplates.For(family);
                string expected = template.Render(WeatherTemplateMessages(), tools, addGenerationPrompt: true, thinking);
                TextAssert.Identical(expected, conversation.Render(template, addGenerationPrompt: true, thinking).Text, $"{family}, enable_thinking={thinking}");
            }

        // The expected rendering, thinking on.
        const string spec =
            "[gMASK]<sop><|system|>\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" +
            "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}, \"days\": {\"type\": \"integer\"}}}}}\n" +
            "</tools>\n\nFor each function call, output the function name and arguments within the following XML format:\n<tool_call>{function-name}\n<arg_key>{arg-key-1}</arg_key>\n<arg_value>{arg-value-1}</arg_value>\n<arg_key>{arg-key-2}</arg_key>\n<arg_value>{arg-value-2}</arg_value>\n...\n</tool_call>" +
            "<|system|>\nYou are a helpful assistant.<|user|>\n<|begin_of_image|><|image|><|end_of_image|>Where was this photo taken? Check the weather there.<|assistant|>\n<think>The landmark is the Eiffel Tower.</think>\n<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n<arg_key>days</arg_key>\n<arg_value>2</arg_value>\n</tool_call>" +
            "<|observation|>\n<tool_response>\nSunny, 21°C<|begin_of_image|><|image|><|end_of_image|>\n</tool_response><|assistant|>\n";
        var prompt = conversation.Render(Glm45vChatTemplate.Instance);
        TextAssert.Identical(spec, prompt.Text);

        // Both images, in prompt order, with where they came from.
        Assert.Equal(2, prompt.Images.Count);
        Assert.Same(userImage, prompt.Images[0].Content);
        Assert.Equal((1, 0, 1, 0), (prompt.Images[0].MessageIndex, prompt.Images[0].PartIndex, prompt.Images[0].SourceMessageIndex, prompt.Images[0].SourceContentIndex));
        Assert.Same(toolImage, prompt.Images[1].Content);
        Assert.Equal((3, 1, 3, 0), (prompt.Images[1].MessageIndex, prompt.Images[1].PartIndex, prompt.Images[1].SourceMessageIndex, prompt.Images[1].SourceContentIndex));
        Assert.Equal("image/png", prompt.Images[1].MediaType);
        Assert.Empty(prompt.Videos);
        Assert.Equal(prompt.Images, conversation.Images);
    }

    [Fact]
    public void Glm41v_drops_tool_results_and_their_images()
    {
        var (messages, userImage, _) = WeatherConversation();
        var prompt = MeaiConversation.Create(messages).Render(Glm41vChatTemplate.Instance);
        Assert.Equal(
            "[gMASK]<sop><|system|>\nYou are a helpful assistant.<|user|>\n<|begin_of_image|><|image|><|end_of_image|>Where was this photo taken? Check the weather there.<|assistant|>\n<|assistant|>\n",
            prompt.Text);
        Assert.Same(userImage, Assert.Single(prompt.Images).Content);
    }

    [Fact]
    public void Each_function_result_is_its_own_tool_message_and_results_map_by_type()
    {
        using var parsed = JsonDocument.Parse("""{"temp": 21.0, "sky": "clear"}""");
        var messages = new List<ChatMessage>
        {
            new(ChatRole.User, "Go."),
            new(ChatRole.Assistant, [
                new FunctionCallContent("a", "f", new Dictionary<string, object?>
                {
                    ["s"] = "raw\ntext", ["i"] = 0, ["d"] = 3.0, ["b"] = false, ["n"] = null,
                    ["list"] = new[] { 1, 2 }, ["obj"] = JsonDocument.Parse("""{"x": 2.50, "y": [true]}""").RootElement,
                }),
            ]),
            new(ChatRole.Tool, [
                new FunctionResultContent("a", "plain"),
                new FunctionResultContent("b", parsed.RootElement.Clone()),
                new FunctionResultContent("c", JsonSerializer.SerializeToElement("json string")),
                new FunctionResultContent("d", new Dictionary<string, object?> { ["k"] = "北京", ["v"] = 1.5 }),
                new FunctionResultContent("e", null),
            ]),
        };
        var conversation = MeaiConversation.Create(messages);
        Assert.Equal(7, conversation.Messages.Count);
        Assert.All(conversation.Messages.Skip(2), m => Assert.True(m.Role == TemplateRole.Tool && m.IsStringContent));
        string text = conversation.Render(Glm45vChatTemplate.Instance, addGenerationPrompt: false).Text;
        Assert.Equal(
            "[gMASK]<sop><|user|>\nGo.<|assistant|>\n<think></think>\n<tool_call>f\n" +
            "<arg_key>s</arg_key>\n<arg_value>raw\ntext</arg_value>\n<arg_key>i</arg_key>\n<arg_value>0</arg_value>\n" +
            "<arg_key>d</arg_key>\n<arg_value>3.0</arg_value>\n<arg_key>b</arg_key>\n<arg_value>false</arg_value>\n" +
            "<arg_key>n</arg_key>\n<arg_value>null</arg_value>\n<arg_key>list</arg_key>\n<arg_value>[1, 2]</arg_value>\n" +
            "<arg_key>obj</arg_key>\n<arg_value>{\"x\": 2.5, \"y\": [true]}</arg_value>\n</tool_call>" +
            "<|observation|>\n<tool_response>\nplain\n</tool_response>\n" +
            "\n<tool_response>\n{\"temp\": 21.0, \"sky\": \"clear\"}\n</tool_response>\n" +
            "\n<tool_response>\njson string\n</tool_response>\n" +
            "\n<tool_response>\n{\"k\": \"北京\", \"v\": 1.5}\n</tool_response>\n" +
            "\n<tool_response>\n\n</tool_response>\n",
            text);
    }

    [Fact]
    public void Serialized_images_in_function_results_become_images_and_other_json_stays_json()
    {
        string b64 = Convert.ToBase64String(new byte[] { 0x89, 0x50, 0x4e, 0x47 });
        JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();
        var results = new (JsonElement Json, int Images, string? Text)[]
        {
            // MEAI DataContent serialized as itself (KernelFunction as a plain AIFunction) and as an AIContent
            (J($$"""{"uri": "data:image/png;base64,{{b64}}"}"""), 1, null),
            (J($$"""{"$type": "data", "uri": "data:image/png;base64,{{b64}}", "mediaType": "image/png"}"""), 1, null),
            // Semantic Kernel ImageContent
            (J($$"""{"mimeType": "image/png", "data": "{{b64}}"}"""), 1, null),
            // lists: text items become text, images images, anything else stays JSON
            (J($$"""[{"$type": "text", "text": "cap"}, {"$type": "data", "uri": "data:image/png;base64,{{b64}}"}, {"k": 1}]"""), 1, "cap{\"k\": 1}"),
            (J($$"""[{"$type": "TextContent", "text": "cap"}, {"$type": "ImageContent", "mimeType": "image/png", "data": "{{b64}}"}]"""), 1, "cap"),
            // look-alikes stay JSON: a non-image data URI, extra properties, a remote URL, a wrong discriminator, no image in a list
            (J("""{"uri": "data:text/plain;base64,aGk="}"""), 0, null),
            (J($$"""{"uri": "data:image/png;base64,{{b64}}", "caption": "x"}"""), 0, null),
            (J("""{"uri": "https://example.com/a.png"}"""), 0, null),
            (J($$"""{"$type": "text", "uri": "data:image/png;base64,{{b64}}"}"""), 0, null),
            (J("""[{"$type": "text", "text": "cap"}]"""), 0, null),
            (J("""{"mimeType": "image/png", "data": "not base64!"}"""), 0, null),
        };
        foreach (var (json, images, text) in results)
        {
            var conversation = MeaiConversation.Create([
                new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c", "f")]),
                new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c", json)]),
            ]);
            Assert.True(images == conversation.Images.Count, json.GetRawText());
            var tool = conversation.Messages[^1];
            if (images == 0)
            {
                Assert.True(tool.IsStringContent, json.GetRawText());
                continue;
            }
            Assert.All(conversation.Images, i => Assert.True(((DataContent)i.Content).HasTopLevelMediaType("image")));
            if (text is not null)
                Assert.Equal(text, string.Concat(tool.Parts.Where(p => p.Kind != TemplatePartKind.Image).Select(p => p.Kind == TemplatePartKind.Json ? PythonJson.Serialize(p.Json) : p.Text)));
        }
    }

    [Fact]
    public void Videos_and_thinking_switch()
    {
        var video = new DataContent(new byte[] { 0, 0, 0, 24 }, "video/mp4");
        var image = new UriContent("https://example.com/a.jpg", "image/jpeg");
        var conversation = MeaiConversation.Create([
            new ChatMessage(ChatRole.User, [video, new TextContent("What happens?"), image]),
        ]);
        var prompt = conversation.Render(Glm45vChatTemplate.Instance, enableThinking: false);
        Assert.Equal(
            "[gMASK]<sop><|user|>\n<|begin_of_video|><|video|><|end_of_video|>What happens?<|begin_of_image|><|image|><|end_of_image|>/nothink<|assistant|>\n<think></think>\n",
            prompt.Text);
        Assert.Same(video, Assert.Single(prompt.Videos).Content);
        Assert.Same(image, Assert.Single(prompt.Images).Content);
    }

    [Fact]
    public void Reasoning_of_earlier_turns_is_dropped_and_of_the_tool_loop_kept()
    {
        var conversation = MeaiConversation.Create([
            new ChatMessage(ChatRole.User, "Q1"),
            new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("r1"), new TextContent("A1")]),
            new ChatMessage(ChatRole.User, "Q2"),
            new ChatMessage(ChatRole.Assistant, [new TextReasoningContent(" r2 "), new TextContent("\nA2\n")]),
        ]);
        Assert.Equal(
            "[gMASK]<sop><|user|>\nQ1<|assistant|>\n<think></think>\nA1<|user|>\nQ2<|assistant|>\n<think>r2</think>\nA2",
            conversation.Render(Glm45vChatTemplate.Instance, addGenerationPrompt: false).Text);
    }

    [Fact]
    public void Unsupported_media_names_message_and_part()
    {
        var e = Assert.Throws<InvalidMediaException>(() => MeaiConversation.Create([
            new ChatMessage(ChatRole.User, "hi"),
            new ChatMessage(ChatRole.User, [new TextContent("listen"), new DataContent(new byte[] { 1 }, "audio/wav")]),
        ]));
        Assert.Equal((1, 1, "audio/wav"), (e.MessageIndex, e.PartIndex, e.MediaType));
        Assert.Contains("message 1, part 1", e.Message);

        var other = Assert.Throws<InvalidMediaException>(() => MeaiConversation.Create([
            new ChatMessage(ChatRole.User, [new TextContent("x"), new TextContent("y"), new ErrorContent("boom")]),
        ]));
        Assert.Equal((0, 2), (other.MessageIndex, other.PartIndex));

        var inResult = Assert.Throws<InvalidMediaException>(() => MeaiConversation.Create([
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c", new AIContent[] { new DataContent(new byte[] { 1 }, "application/pdf") })]),
        ]));
        Assert.Equal((0, 0, "application/pdf"), (inResult.MessageIndex, inResult.PartIndex, inResult.MediaType));
    }

    [Fact]
    public void Media_the_template_cannot_place_is_located_in_the_callers_messages()
    {
        var conversation = MeaiConversation.Create([
            new ChatMessage(ChatRole.User, "hi"),
            new ChatMessage(ChatRole.System, [new TextContent("look: "), Png()]),
        ]);
        var e = Assert.Throws<InvalidMediaException>(() => conversation.Render(Glm41vChatTemplate.Instance));
        Assert.Equal((1, 1), (e.MessageIndex, e.PartIndex));
        // GLM-4.5V's visible_text writes the placeholder in a system message.
        Assert.Single(conversation.Render(Glm45vChatTemplate.Instance).Images);
    }

    [Description("Gets the weather.")]
    static string GetWeather([Description("City name")] string city, int days = 1) => $"{city}: sunny for {days} days";

    [Fact]
    public void Tools_become_openai_style_function_objects()
    {
        var fn = AIFunctionFactory.Create(GetWeather, "get_weather");
        var tool = MeaiConversation.ToTemplateTool(fn);
        var function = tool.Definition["function"]!.AsObject();
        Assert.Equal(["type", "function"], tool.Definition.Select(p => p.Key));
        Assert.Equal(["name", "description", "parameters"], function.Select(p => p.Key));
        Assert.Equal("get_weather", tool.Name);
        Assert.Equal("Gets the weather.", function["description"]!.GetValue<string>());
        Assert.Equal(PythonJson.Serialize(fn.JsonSchema), PythonJson.Serialize(function["parameters"]));

        var bare = MeaiConversation.ToTemplateTool(AIFunctionFactory.CreateDeclaration("zoom", null, WeatherSchema));
        Assert.Equal(["name", "parameters"], bare.Definition["function"]!.AsObject().Select(p => p.Key));

        Assert.Throws<NotSupportedException>(() => MeaiConversation.Create([new ChatMessage(ChatRole.User, "x")], [new HostedWebSearchTool()]));
        Assert.Null(MeaiConversation.Create([new ChatMessage(ChatRole.User, "x")], []).Tools);
    }

    [Fact]
    public void Roles_and_calls_outside_the_assistant_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => MeaiConversation.Create([new ChatMessage(new ChatRole("developer"), "x")]));
        Assert.Throws<ArgumentException>(() => MeaiConversation.Create([new ChatMessage(ChatRole.User, [new FunctionCallContent("c", "f")])]));
    }
}
