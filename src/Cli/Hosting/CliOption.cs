using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Glm4vSK.Cli.Hosting;

/// <summary>
/// Options whose values are checked while parsing, so a bad value is a parse error (exit code 2) that names the
/// option. Numbers are parsed with the invariant culture: System.CommandLine's own converters use the current one,
/// where under de-DE "0.8" would read as 8.
/// </summary>
internal static class CliOption
{
    /// <summary>An optional number in [<paramref name="min"/>, <paramref name="max"/>]; a dot for decimals whatever the culture.</summary>
    public static Option<T?> Number<T>(string name, string description, T min, T max, string? helpName = null)
        where T : struct, INumber<T>, IMinMaxValue<T>
    {
        bool floating = typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(decimal);
        var style = floating ? NumberStyles.Float : NumberStyles.Integer;
        string kind = floating ? "a number (with a dot for decimals, e.g. 0.8)" : "a whole number";
        return new Option<T?>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = r =>
            {
                if (r.Tokens.Count == 0) return null;
                string token = r.Tokens[^1].Value;
                if (!T.TryParse(token, style, CultureInfo.InvariantCulture, out T value) || (floating && !double.IsFinite(double.CreateChecked(value))))
                {
                    r.AddError($"{name}: '{token}' is not {kind}.");
                    return null;
                }
                if (value < min || value > max)
                {
                    r.AddError($"{name}: {token} is out of range; use {Range(min, max)}.");
                    return null;
                }
                return value;
            },
        };
    }

    /// <summary>A string option limited to <paramref name="values"/> (the first is the default); another value is a parse error naming the option.</summary>
    public static Option<string> Choice(string name, string description, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, HelpName = string.Join('|', values), DefaultValueFactory = _ => values[0] };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !values.Contains(r.Tokens[^1].Value, StringComparer.Ordinal))
                r.AddError($"{name}: '{r.Tokens[^1].Value}' is not one of {string.Join(", ", values)}.");
        });
        return option;
    }

    /// <summary>
    /// Free text as positional words (a prompt, a task), joined by spaces. System.CommandLine gives such an argument
    /// any token it cannot match, so a mistyped option (<c>--max-new-token 4</c>) would silently become part of the
    /// prompt: a word that looks like an option is an error instead.
    /// </summary>
    public static Argument<string[]> Words(string name, string description, ArgumentArity arity)
    {
        var argument = new Argument<string[]>(name) { Description = description, Arity = arity };
        argument.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
                if (token.Value.Length > 1 && token.Value[0] == '-' && (char.IsAsciiLetter(token.Value[1]) || token.Value[1] == '-'))
                    r.AddError($"Unrecognized option '{token.Value}' (to start the {name} with '-', begin it with a space).");
        });
        return argument;
    }

    /// <summary>A file that must exist (checked while parsing).</summary>
    public static Option<string?> ExistingFile(string name, string description, params string[] aliases)
    {
        var option = new Option<string?>(name, aliases) { Description = description, HelpName = "file" };
        option.Validators.Add(r => CheckFile(r, name));
        return option;
    }

    /// <summary>Files that must exist; the option repeats (<c>--image a.png --image b.png</c>).</summary>
    public static Option<string[]> ExistingFiles(string name, string description, params string[] aliases)
    {
        var option = new Option<string[]>(name, aliases) { Description = description, HelpName = "file", DefaultValueFactory = _ => [] };
        option.Validators.Add(r => CheckFile(r, name));
        return option;
    }

    static void CheckFile(OptionResult r, string name)
    {
        foreach (var token in r.Tokens)
            if (!File.Exists(token.Value))
                r.AddError($"{name}: file '{token.Value}' does not exist.");
    }

    static string Range<T>(T min, T max) where T : INumber<T>, IMinMaxValue<T> =>
        max == T.MaxValue ? $"at least {Format(min)}" : $"{Format(min)} to {Format(max)}";

    static string Format<T>(T value) where T : INumber<T> => value.ToString(null, CultureInfo.InvariantCulture);
}
