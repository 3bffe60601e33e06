using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;
using static Glm4vSK.Agents.Tests.Prompts.PromptTestKit;

namespace Glm4vSK.Agents.Tests.Prompts;

/// <summary>What every builder promises: protocol, sampling, input checks, GLM-V single-turn shape.</summary>
public sealed class PromptBuilderContractTests
{
    public static TheoryData<string> All() => new("m41", "m45", "p41", "p45", "w41", "w45", "ag-zh", "ag-en");

    public static TheoryData<string> GlmV() => new("m41", "m45", "p41", "p45", "w41", "w45");

    private static IGuiPromptBuilder Create(string name) => name switch
    {
        "m41" => new Glm41VMobilePromptBuilder(),
        "m45" => new Glm45VMobilePromptBuilder(),
        "p41" => new Glm41VPcPromptBuilder(),
        "p45" => new Glm45VPcPromptBuilder(),
        "w41" => new Glm41VWebPromptBuilder(),
        "w45" => new Glm45VWebPromptBuilder(),
        "ag-zh" => new AutoGlmPhonePromptBuilder(),
        "ag-en" => new AutoGlmPhonePromptBuilder(AutoGlmLanguage.English),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory, MemberData(nameof(All))]
    public void Protocol_matches_a_parser_and_set_of_marks_only_for_web(string name)
    {
        var builder = Create(name);
        var expected = name[0] switch
        {
            'm' => GuiProtocol.GlmVMobile,
            'p' => GuiProtocol.GlmVPc,
            'w' => GuiProtocol.GlmVWeb,
            _ => GuiProtocol.AutoGlmPhone,
        };
        Assert.Equal(expected, builder.Protocol);
        Assert.Equal(expected, GuiActionParsers.For(builder.Protocol).Protocol);
        Assert.Equal(expected == GuiProtocol.GlmVWeb, builder.UsesSetOfMarks);
    }

    [Theory, MemberData(nameof(GlmV))]
    public void Glm_v_sampling_is_the_reference_clients_and_fresh_each_call(string name)
    {
        var builder = Create(name);
        var options = builder.CreateChatOptions();
        Assert.Equal(8192, options.MaxOutputTokens);
        Assert.Equal(0.001f, options.Temperature);
        options.MaxOutputTokens = 5;
        Assert.Equal(8192, builder.CreateChatOptions().MaxOutputTokens);
        Assert.NotSame(builder.CreateChatOptions(), builder.CreateChatOptions());
    }

    [Theory, MemberData(nameof(GlmV))]
    public void Glm_v_is_one_user_message_without_a_system_message(string name)
    {
        var steps = Enumerable.Range(0, 3).Select(i => Step(i, Create(name).Protocol, "<think>x</think>whatever")).ToList();
        var messages = Create(name).Build(Context(Png(64, 40, 1), steps));
        var message = SingleUser(messages);
        Assert.DoesNotContain(messages, m => m.Role == ChatRole.System);
        Assert.All(message.Contents, c => Assert.True(c is TextContent or DataContent, c.GetType().Name));
        Assert.DoesNotContain("<think>", Text(message));
    }

    [Theory, MemberData(nameof(All))]
    public void Invalid_contexts_are_rejected_with_a_clear_message(string name)
    {
        var builder = Create(name);
        var shot = Png(16, 16, 1);
        Assert.Throws<ArgumentNullException>(() => builder.Build(null!));
        var blank = Assert.Throws<ArgumentException>(() => builder.Build(new GuiPromptContext { Task = "  ", Current = new(shot) }));
        Assert.Contains("Task", blank.Message);
        Assert.Throws<ArgumentException>(() => builder.Build(new GuiPromptContext { Task = null!, Current = new(shot) }));
        var noScreen = Assert.Throws<ArgumentException>(() => builder.Build(new GuiPromptContext { Task = "t", Current = null! }));
        Assert.Contains("Current", noScreen.Message);
        Assert.Throws<ArgumentException>(() => builder.Build(new GuiPromptContext { Task = "t", Current = new(shot), History = null! }));
        Assert.Throws<ArgumentException>(() => builder.Build(new GuiPromptContext { Task = "t", Current = new(shot), History = [null!] }));
        Assert.Throws<ArgumentException>(() => builder.Build(new GuiPromptContext { Task = "t", Current = new(shot), Apps = ["ok", ""] }));
    }

    [Theory, MemberData(nameof(All))]
    public void The_current_screenshot_is_sent_exactly_once_at_full_size(string name)
    {
        var current = Png(300, 200, 123);
        var steps = Enumerable.Range(0, 5).Select(i => Step(i, Create(name).Protocol, "text", new GuiObservation(Png(300, 200, (byte)i)))).ToList();
        var images = Create(name).Build(Context(current, steps)).SelectMany(m => m.Contents).OfType<DataContent>().Select(d => Inspect(d)).ToList();
        Assert.Single(images, i => i == (300, 200, (byte)123));
        Assert.DoesNotContain(images, i => i.Width == 300 && i.Shade != 123);
    }
}
