using System.Globalization;
using Glm4vSK.Cli.Hosting;

namespace Glm4vSK.Cli.Tests;

/// <summary>Numbers on the command line use a dot for decimals whatever the machine's culture.</summary>
public sealed class CultureTests
{
    static System.CommandLine.ParseResult ParseUnder(string culture, params string[] args)
    {
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
        try { return Glm4vCli.Create(new CliContext(TextWriter.Null, TextWriter.Null, TextReader.Null)).Parse(args); }
        finally { CultureInfo.CurrentCulture = saved; }
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    [InlineData("en-US")]
    public void Decimals_are_read_with_a_dot(string culture)
    {
        var parse = ParseUnder(culture, "chat", "--model", "m", "--temperature", "0.8", "--top-p", "0.95", "--max-new-tokens", "1000", "hello");
        Assert.Empty(parse.Errors);
        Assert.Equal(0.8f, parse.GetValue<float?>("--temperature"));
        Assert.Equal(0.95f, parse.GetValue<float?>("--top-p"));
        Assert.Equal(1000, parse.GetValue<int?>("--max-new-tokens"));
    }

    [Fact]
    public void A_comma_is_not_a_decimal_separator_even_in_german()
    {
        var parse = ParseUnder("de-DE", "chat", "--model", "m", "--temperature", "0,8", "hello");
        Assert.Contains(parse.Errors, e => e.Message.Contains("--temperature", StringComparison.Ordinal));
    }

    [Fact]
    public void Group_separators_are_not_accepted_in_whole_numbers()
    {
        // Under de-DE "1.000" is one thousand; here it is not a whole number at all.
        var parse = ParseUnder("de-DE", "chat", "--model", "m", "--max-new-tokens", "1.000", "hello");
        Assert.Contains(parse.Errors, e => e.Message.Contains("--max-new-tokens", StringComparison.Ordinal));
    }

    [Fact]
    public void The_benchmark_options_are_invariant_too()
    {
        var parse = ParseUnder("de-DE", "bench", "--wait-quiet", "1.5");
        Assert.Empty(parse.Errors);
        Assert.Equal(1.5, parse.GetValue<double?>("--wait-quiet"));
    }
}
