using System.Text;

namespace Glm4vSK.Agents.Tests.Android;

/// <summary>
/// Splits a command line the way the device's <c>sh -c</c> would (enough of POSIX for tests): blanks separate
/// words; single quotes are literal; double quotes keep blanks and honour <c>\$ \` \" \\</c>; a backslash outside
/// quotes escapes the next character; unquoted <c>;</c>, <c>&amp;</c>, <c>|</c> and newlines separate commands.
/// Anything the shell would expand or redirect (<c>$</c> or a backquote outside single quotes, unquoted
/// <c>&lt; &gt; ( )</c>) is reported, because text an executor quoted for the device must never trigger it.
/// </summary>
internal static class FakeShellSyntax
{
    public static (List<IReadOnlyList<string>> Commands, bool HasExpansion) Split(string line)
    {
        var commands = new List<IReadOnlyList<string>>();
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false, expansion = false;

        void EndWord()
        {
            if (inWord) words.Add(word.ToString());
            word.Clear();
            inWord = false;
        }

        void EndCommand()
        {
            EndWord();
            if (words.Count > 0) commands.Add(words.ToArray());
            words.Clear();
        }

        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            switch (c)
            {
                case ' ' or '\t':
                    EndWord();
                    break;
                case '\n' or ';' or '&' or '|':
                    EndCommand();
                    if (i + 1 < line.Length && (c is '&' or '|') && line[i + 1] == c) i++;
                    break;
                case '\'':
                {
                    int close = line.IndexOf('\'', i + 1);
                    if (close < 0) throw new FormatException($"Unterminated single quote in: {line}");
                    word.Append(line, i + 1, close - i - 1);
                    inWord = true;
                    i = close;
                    break;
                }
                case '"':
                {
                    inWord = true;
                    for (i++; ; i++)
                    {
                        if (i >= line.Length) throw new FormatException($"Unterminated double quote in: {line}");
                        char d = line[i];
                        if (d == '"') break;
                        if (d == '\\' && i + 1 < line.Length && line[i + 1] is '$' or '`' or '"' or '\\' or '\n')
                        {
                            if (line[i + 1] != '\n') word.Append(line[i + 1]);
                            i++;
                            continue;
                        }
                        if (d is '$' or '`') expansion = true;
                        word.Append(d);
                    }
                    break;
                }
                case '\\':
                    if (i + 1 < line.Length)
                    {
                        if (line[i + 1] != '\n') word.Append(line[i + 1]);
                        i++;
                        inWord = true;
                    }
                    break;
                default:
                    if (c is '$' or '`' or '<' or '>' or '(' or ')') expansion = true;
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }
        EndCommand();
        return (commands, expansion);
    }
}
