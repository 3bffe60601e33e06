using System.Text.Json;

namespace Glm4vSK.Formats.Testing;

/// <summary>
/// One line of a <c>formats/*.jsonl</c> file, identified as <c>&lt;file&gt;:&lt;id&gt;</c>. Lines are
/// discovered by reading the files; which assertions apply is decided from the keys a line carries.
/// </summary>
public sealed class FormatVector
{
    FormatVector(string caseId, string file, int lineNumber, JsonElement json)
    {
        CaseId = caseId;
        File = file;
        LineNumber = lineNumber;
        Json = json;
    }

    public string CaseId { get; }
    public string File { get; }
    public int LineNumber { get; }
    public JsonElement Json { get; }

    public static string Directory => Path.Combine(FixtureRoot.Require(), "formats");

    /// <summary>The files this test project covers (gui_actions.jsonl belongs to the agents work).</summary>
    public static IReadOnlyList<string> Files { get; } = ["reasoning.jsonl", "tool_calls.jsonl", "grounding.jsonl"];

    /// <summary><c>&lt;file&gt;:&lt;id&gt;</c> for every non-empty line; a missing or empty file throws (a failure, never an empty pass).</summary>
    public static IReadOnlyList<string> DiscoverIds(string file) => Load(file).Select(v => v.CaseId).ToList();

    public static IReadOnlyList<string> DiscoverAllIds() => Files.SelectMany(DiscoverIds).ToList();

    public static FormatVector Open(string caseId)
    {
        int colon = caseId.IndexOf(':');
        if (colon < 0) throw new ArgumentException($"'{caseId}' is not '<file>:<id>'.", nameof(caseId));
        return Load(caseId[..colon]).SingleOrDefault(v => v.CaseId == caseId)
            ?? throw new InvalidDataException($"'{caseId}' is no longer in the fixtures.");
    }

    static IReadOnlyList<FormatVector> Load(string file)
    {
        string path = Path.Combine(Directory, file);
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"Fixture file '{path}' does not exist.", path);
        var vectors = new List<FormatVector>();
        string[] lines = System.IO.File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(lines[i]).RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{file} line {i + 1} is not JSON: {e.Message}", e);
            }
            string id = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("id", out var idProp) && idProp.ValueKind == JsonValueKind.String
                ? idProp.GetString()!
                : $"line{i + 1}";
            vectors.Add(new FormatVector($"{file}:{id}", file, i + 1, json));
        }
        if (vectors.Count == 0) throw new InvalidDataException($"Fixture file '{path}' has no vectors.");
        var duplicate = vectors.GroupBy(v => v.CaseId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidDataException($"{file}: id '{duplicate.Key}' appears {duplicate.Count()} times.");
        return vectors;
    }

    public bool Has(string key) => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(key, out _);

    public JsonElement Get(string key) =>
        Json.TryGetProperty(key, out var v) ? v : throw new Xunit.Sdk.XunitException($"{CaseId}: key '{key}' is missing.");

    /// <summary>A string-or-null value.</summary>
    public string? GetNullableString(string key)
    {
        var v = Get(key);
        return v.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => v.GetString(),
            _ => throw new Xunit.Sdk.XunitException($"{CaseId}: '{key}' is neither a string nor null."),
        };
    }

    public string GetString(string key) =>
        GetNullableString(key) ?? throw new Xunit.Sdk.XunitException($"{CaseId}: '{key}' is null.");

    /// <summary>The model output: <c>text</c>, or the <c>chunks</c> joined.</summary>
    public string Text => Has("text") ? GetString("text") : string.Concat(Chunks ?? throw new Xunit.Sdk.XunitException($"{CaseId}: neither 'text' nor 'chunks'."));

    public IReadOnlyList<string>? Chunks => Has("chunks") ? Get("chunks").EnumerateArray().Select(c => c.GetString()!).ToList() : null;

    public override string ToString() => CaseId;
}
