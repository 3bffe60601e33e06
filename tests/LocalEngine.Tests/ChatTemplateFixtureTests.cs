using Glm4vSK.LocalEngine.Processing;
using Glm4vSK.LocalEngine.Tests.Fixtures;

namespace Glm4vSK.LocalEngine.Tests;

/// <summary>
/// One theory row per <c>templates/*.json</c> fixture: the case's Hugging Face messages are translated into
/// <see cref="TemplateMessage"/>s, rendered with the family's renderer and compared byte for byte.
/// </summary>
public sealed class ChatTemplateFixtureTests
{
    public static TheoryData<string> Cases() => new(TemplateCase.DiscoverIds());

    [Fact]
    public void Fixture_root_yields_template_cases()
    {
        Assert.True(Directory.Exists(TemplateCase.Directory), $"'{TemplateCase.Directory}' does not exist.");
        Assert.NotEmpty(TemplateCase.DiscoverIds());
    }

    [Theory, MemberData(nameof(Cases))]
    public void Renders_byte_identical(string caseId)
    {
        var c = TemplateCase.Open(caseId);
        var template = ChatTemplates.For(c.Family); // an unknown family throws: the case fails
        string actual = template.Render(c.Messages, c.Tools, c.AddGenerationPrompt, c.EnableThinking);
        TextAssert.Identical(c.Expected, actual, caseId);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Media_locations_follow_the_placeholders(string caseId)
    {
        var c = TemplateCase.Open(caseId);
        var messages = c.Messages;
        var r = ChatTemplates.For(c.Family).RenderWithMedia(messages, c.Tools, c.AddGenerationPrompt, c.EnableThinking);
        Assert.Equal(Count(r.Text, TemplatePlaceholders.Image), r.Images.Count);
        Assert.Equal(Count(r.Text, TemplatePlaceholders.Video), r.Videos.Count);
        foreach (var at in r.Images) Assert.Equal(TemplatePartKind.Image, messages[at.MessageIndex].Parts[at.PartIndex].Kind);
        foreach (var at in r.Videos) Assert.Equal(TemplatePartKind.Video, messages[at.MessageIndex].Parts[at.PartIndex].Kind);
        Assert.Equal(r.Images.OrderBy(a => a.MessageIndex).ThenBy(a => a.PartIndex), r.Images);
    }

    static int Count(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
