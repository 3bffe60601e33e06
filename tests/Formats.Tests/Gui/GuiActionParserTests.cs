using Glm4vSK.Formats.Gui;

namespace Glm4vSK.Formats.Tests.Gui;

/// <summary>Edge cases beyond the fixture vectors.</summary>
public sealed class GuiActionParserTests
{
    private static GuiActionParseResult Parse(GuiProtocol protocol, string text) => GuiActionParsers.For(protocol).Parse(text);

    private static GuiAction Ok(GuiProtocol protocol, string text)
    {
        var r = Parse(protocol, text);
        Assert.True(r.IsSuccess, r.ToString());
        Assert.Equal(protocol, r.Action.Protocol);
        return r.Action;
    }

    private static void Rejected(GuiProtocol protocol, string text)
    {
        var r = Parse(protocol, text);
        Assert.False(r.IsSuccess, r.ToString());
        Assert.Equal(text, r.RawText);
        Assert.NotNull(r.Reason);
    }

    [Theory]
    [InlineData(GuiProtocol.GlmVMobile)]
    [InlineData(GuiProtocol.GlmVPc)]
    [InlineData(GuiProtocol.GlmVWeb)]
    [InlineData(GuiProtocol.AutoGlmPhone)]
    public void Garbage_and_truncated_think_are_rejected_never_thrown(GuiProtocol protocol)
    {
        Assert.Equal(protocol, GuiActionParsers.For(protocol).Protocol);
        foreach (string text in (string[])["", "   ", "hello", "<think>still thinking", "{{{", "Action:", "do(action=", "finish(message=", "\0\uFFFF"])
            Rejected(protocol, text);
    }

    [Fact]
    public void Mobile_accepts_json_names_spacing_and_leading_zeros()
    {
        var a = Ok(GuiProtocol.GlmVMobile, "Memory: None\nReason: r\nAction: {'action_type': 'input_text', 'text': 'x', 'override': false, 'box_2d': [[ 010, 020 , 030,040 ]]}</answer>");
        Assert.Equal(GuiActionKind.TypeText, a.Kind);
        Assert.Equal(new GuiPoint(20, 30), a.Point);
        Assert.Equal("{\"text\":\"x\",\"override\":false,\"box_2d\":[[10,20,30,40]]}", Js.Of(a.ArgsToJson()));
        Assert.Equal("x", a.Text);
    }

    [Fact]
    public void Mobile_reads_an_escaped_lone_surrogate_as_json_loads_does()
    {
        // System.Text.Json will not read "\ud800" as a string; Python keeps it, and the parser must not throw.
        var a = Parse(GuiProtocol.GlmVMobile, "Memory: m Reason: r Action: {\"action_type\": \"answer\", \"text\": \"\\ud800!\"}").Action;
        Assert.NotNull(a);
        Assert.Equal("\ud800!", a.Message);
    }

    [Fact]
    public void Mobile_swipe_with_box_has_a_point()
    {
        var a = Ok(GuiProtocol.GlmVMobile, "Memory: m Reason: r Action: {\"action_type\": \"swipe\", \"direction\": \"left\", \"box_2d\": [[0,0,100,200]]}");
        Assert.Equal(GuiActionKind.Swipe, a.Kind);
        Assert.Equal(GuiDirection.Left, a.Direction);
        Assert.Equal(new GuiPoint(50, 100), a.Point);
    }

    [Theory]
    [InlineData("Action: {\"action_type\": \"click\", \"box_2d\": [[1,2,3,4]]}")] // no Memory/Reason
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"tap\"}")]
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"click\", \"box_2d\": [1,2,3,4]}")]
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"click\", \"box_2d\": [[1,2,3]]}")]
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"click\", \"box_2d\": [[1.5,2,3,4]]}")]
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"swipe\", \"direction\": \"sideways\"}")]
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"status\", \"goal_status\": \"done\"}")]
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"open_app\"}")]
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"answer\"}")]
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"input_text\", \"box_2d\": [[1,2,3,4]]}")]
    [InlineData("Memory: m Reason: r Action: {\"action_type\": \"input_text\", \"text\": \"x\", \"box_2d\": [[1,2,3,4]], \"override\": 1}")]
    [InlineData("Memory: m Reason: r Action: [\"click\"]")]
    [InlineData("Memory: m Reason: r Action: click the button")]
    public void Mobile_rejections(string text) => Rejected(GuiProtocol.GlmVMobile, text);

    [Fact]
    public void Pc_fallback_without_markers_and_verbatim_escapes()
    {
        var a = Ok(GuiProtocol.GlmVPc, "I will type. type(content='line1\\nline2')\nMemory:\n[]");
        Assert.Equal("line1\\nline2", a.Text);
        var f = Ok(GuiProtocol.GlmVPc, "Cannot be done. <|begin_of_box|>FAIL()<|end_of_box|>");
        Assert.Equal(("fail", "FAIL", GuiActionKind.Finish), (f.Type, f.Name, f.Kind));
    }

    [Fact]
    public void Pc_scroll_keeps_only_what_is_written()
    {
        var a = Ok(GuiProtocol.GlmVPc, "<|begin_of_box|>scroll(start_box='[5,6]', direction='up', element_info='list')<|end_of_box|>");
        Assert.Equal("{\"start_box\":[5,6],\"element_info\":\"list\",\"direction\":\"up\"}", Js.Of(a.ArgsToJson()));
    }

    [Theory]
    [InlineData("<|begin_of_box|>Left_click(start_box='[1,2]')<|end_of_box|>")]
    [InlineData("<|begin_of_box|>left_click(element_info='x')<|end_of_box|>")]
    [InlineData("<|begin_of_box|>left_click(start_box='[1,2])<|end_of_box|>")]
    [InlineData("<|begin_of_box|>left_drag(start_box='[1,2]')<|end_of_box|>")]
    [InlineData("<|begin_of_box|>scroll(start_box='[1,2]', direction='left')<|end_of_box|>")]
    [InlineData("<|begin_of_box|>key()<|end_of_box|>")]
    [InlineData("<|begin_of_box|>type()<|end_of_box|>")]
    [InlineData("<|begin_of_box|>DONE(now=1)<|end_of_box|>")]
    [InlineData("<|begin_of_box|>click here<|end_of_box|>")]
    public void Pc_rejections(string text) => Rejected(GuiProtocol.GlmVPc, text);

    [Theory]
    [InlineData("Action: Click 12", "click", "{\"label\":12}")]
    [InlineData("Action: Type [2]; [5$]", "type", "{\"label\":2,\"content\":\"5$\"}")]
    [InlineData("Action: Scroll [6]; [up]", "scroll", "{\"target\":6,\"direction\":\"up\"}")]
    [InlineData("Action: Wait", "wait", "{}")]
    [InlineData("Action: GoBack\nMemory_Updated: {}", "go_back", "{}")]
    [InlineData("Action: Bing", "bing", "{}")]
    [InlineData("Action: ANSWER; <content>two\nlines</content>", "answer", "{\"content\":\"two\\nlines\"}")]
    [InlineData("<answer>Thought: t\nAction: <|begin_of_box|>Key; [Return]<|end_of_box|>\nMemory_Updated: {}</answer>", "key", "{\"key\":\"Return\"}")]
    public void Web_actions(string text, string type, string args)
    {
        var a = Ok(GuiProtocol.GlmVWeb, text);
        Assert.Equal(type, a.Type);
        Assert.Equal(args, Js.Of(a.ArgsToJson()));
        Assert.Null(a.Point);
    }

    [Theory]
    [InlineData("Thought: nothing to do")]
    [InlineData("Action: Click [x]")]
    [InlineData("Action: Scroll [1]; [left]")]
    [InlineData("Action: Waiting")]
    [InlineData("Action: Google")]
    [InlineData("Action: ANSWER; Guatemala")]
    public void Web_rejections(string text) => Rejected(GuiProtocol.GlmVWeb, text);

    [Fact]
    public void AutoGlm_type_text_is_verbatim_and_type_name_maps_to_type()
    {
        var a = Ok(GuiProtocol.AutoGlmPhone, "<answer>do(action=\"Type_Name\", text=\"say \"hi\"\")</answer>");
        Assert.Equal(("type", "Type_Name", GuiActionKind.TypeText), (a.Type, a.Name, a.Kind));
        Assert.Equal("say \"hi\"", a.Text);
    }

    [Fact]
    public void AutoGlm_keyword_values_are_literal_evaluated()
    {
        var t = Ok(GuiProtocol.AutoGlmPhone, "do(action=\"Tap\", element=[10, 20], message=\"重要操作\")");
        Assert.Equal("{\"element\":[10,20],\"message\":\"重要操作\"}", Js.Of(t.ArgsToJson()));
        var w = Ok(GuiProtocol.AutoGlmPhone, "do(action=\"Wait\", duration=\"2 seconds\")");
        Assert.Equal(TimeSpan.FromSeconds(2), w.Duration);
        var s = Ok(GuiProtocol.AutoGlmPhone, "do(action=\"Swipe\", start=[1, 2], end=[3, 4])");
        Assert.Equal(new GuiPoint(3, 4), s.EndPoint);
        var c = Ok(GuiProtocol.AutoGlmPhone, "do(action=\"Call_API\", instruction=\"summarise\nthe notes\")");
        Assert.Equal(GuiActionKind.CallApi, c.Kind);
        Assert.Equal("summarise\nthe notes", c.Message);
        var f = Ok(GuiProtocol.AutoGlmPhone, "</think>finish(message=\"已完成 \"ok\"\")");
        Assert.Equal("已完成 \"ok\"", f.Message);
    }

    [Theory]
    [InlineData("do(action=\"Tap\")")]
    [InlineData("do(action=\"Tap\", element=[1])")]
    [InlineData("do(action=\"Swipe\", start=[1, 2])")]
    [InlineData("do(action=\"Launch\")")]
    [InlineData("do(action=\"Back\"")]
    [InlineData("do(action=\"Back\") trailing")]
    [InlineData("do(action=Back)")]
    [InlineData("do(action=\"Tap\", element=[1, 2], element=[3, 4])")]
    [InlineData("do(action=\"Type\", text=\"unterminated")]
    [InlineData("finish(message=done)")]
    public void AutoGlm_rejections(string text) => Rejected(GuiProtocol.AutoGlmPhone, text);
}
