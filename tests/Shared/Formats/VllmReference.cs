using System.Text.Json;
using System.Text.RegularExpressions;
using Glm4vSK.Formats;

namespace Glm4vSK.Formats.Testing;

/// <summary>
/// A direct port of vLLM's <c>Glm4MoeModelToolParser.extract_tool_calls</c> (the three regexes, @081866a), used as an
/// oracle. Two documented deviations of the library are applied here too: an empty name is no call, and content is the
/// text before the first *valid* call.
/// </summary>
public static class VllmReference
{
    static readonly Regex Call = new("<tool_call>.*?</tool_call>", RegexOptions.Singleline);
    static readonly Regex Detail = new(@"<tool_call>([^\n]*)\n(.*)</tool_call>", RegexOptions.Singleline);
    static readonly Regex Pair = new(@"<arg_key>(.*?)</arg_key>\s*<arg_value>(.*?)</arg_value>", RegexOptions.Singleline);

    public sealed record Result(string? Content, IReadOnlyList<(string Name, string ArgumentsJson)> Calls, bool HasUnterminatedStringValue);

    public static Result Parse(string text, IReadOnlyDictionary<string, JsonElement>? schemas)
    {
        var calls = new List<(string, string)>();
        int firstValid = -1;
        bool unterminated = false;
        foreach (Match m in Call.Matches(text))
        {
            var d = Detail.Match(m.Value);
            if (!d.Success) continue;
            string name = d.Groups[1].Value.Trim();
            if (name.Length == 0) continue;
            string body = d.Groups[2].Value;
            var args = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
            int consumed = 0;
            foreach (Match p in Pair.Matches(body))
            {
                string key = p.Groups[1].Value.Trim();
                bool isString = GlmToolSchemas.IsStringParameter(schemas, name, key);
                args[key] = isString ? p.Groups[2].Value : ToolArgumentValues.Deserialize(p.Groups[2].Value.Trim());
                consumed = p.Index + p.Length;
            }
            // After the last pair: a key/value opening whose value never closes is where the library is lenient.
            var tail = new Regex(@"<arg_key>(.*?)</arg_key>\s*<arg_value>", RegexOptions.Singleline).Match(body, consumed);
            if (tail.Success && GlmToolSchemas.IsStringParameter(schemas, name, tail.Groups[1].Value.Trim())) unterminated = true;
            if (firstValid < 0) firstValid = m.Index;
            calls.Add((name, PythonJson.Serialize(args, replaceLoneSurrogates: true)));
        }
        if (calls.Count == 0) return new Result(text, calls, unterminated);
        string content = text[..firstValid];
        return new Result(string.IsNullOrWhiteSpace(content) ? null : content, calls, unterminated);
    }
}
