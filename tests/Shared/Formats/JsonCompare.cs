using System.Globalization;
using System.Text.Json;
using Glm4vSK.Formats;

namespace Glm4vSK.Formats.Testing;

/// <summary>
/// Deep comparison with Python <c>json.loads</c> semantics: object key order ignored, a repeated key's last value wins,
/// ints and floats told apart by how they are written, numbers compared by value.
/// </summary>
public static class JsonCompare
{
    public static JsonElement Of(object? value) => JsonDocument.Parse(PythonJson.Serialize(value, replaceLoneSurrogates: true)).RootElement.Clone();

    public static void AssertEqual(JsonElement expected, JsonElement actual, string context)
    {
        string? diff = Diff(expected, actual, "$");
        if (diff is not null)
            throw new Xunit.Sdk.XunitException($"{context}: {diff}\nexpected: {expected.GetRawText()}\nactual:   {actual.GetRawText()}");
    }

    static string? Diff(JsonElement e, JsonElement a, string path)
    {
        if (e.ValueKind != a.ValueKind && !(IsBool(e) && IsBool(a)))
            return $"{path}: kind {e.ValueKind} expected, got {a.ValueKind}";
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var eo = LastWins(e);
                var ao = LastWins(a);
                foreach (var key in eo.Keys.Union(ao.Keys))
                {
                    if (!eo.TryGetValue(key, out var ev)) return $"{path}.{key}: unexpected key";
                    if (!ao.TryGetValue(key, out var av)) return $"{path}.{key}: missing";
                    if (Diff(ev, av, $"{path}.{key}") is { } d) return d;
                }
                return null;
            }
            case JsonValueKind.Array:
            {
                var ea = e.EnumerateArray().ToList();
                var aa = a.EnumerateArray().ToList();
                if (ea.Count != aa.Count) return $"{path}: {ea.Count} items expected, got {aa.Count}";
                for (int i = 0; i < ea.Count; i++)
                    if (Diff(ea[i], aa[i], $"{path}[{i}]") is { } d) return d;
                return null;
            }
            case JsonValueKind.Number:
            {
                string er = e.GetRawText(), ar = a.GetRawText();
                bool eInt = IsIntegral(er), aInt = IsIntegral(ar);
                if (eInt != aInt) return $"{path}: {(eInt ? "int" : "float")} {er} expected, got {ar}";
                bool equal = eInt
                    ? decimal.Parse(er, CultureInfo.InvariantCulture) == decimal.Parse(ar, CultureInfo.InvariantCulture)
                    : double.Parse(er, CultureInfo.InvariantCulture) == double.Parse(ar, CultureInfo.InvariantCulture);
                return equal ? null : $"{path}: {er} expected, got {ar}";
            }
            case JsonValueKind.String:
                return e.GetString() == a.GetString() ? null : $"{path}: \"{e.GetString()}\" expected, got \"{a.GetString()}\"";
            case JsonValueKind.True:
            case JsonValueKind.False:
                return e.ValueKind == a.ValueKind ? null : $"{path}: {e.ValueKind} expected, got {a.ValueKind}";
            default:
                return null;
        }
    }

    static bool IsBool(JsonElement e) => e.ValueKind is JsonValueKind.True or JsonValueKind.False;

    static bool IsIntegral(string raw) => raw.IndexOfAny(['.', 'e', 'E']) < 0;

    static Dictionary<string, JsonElement> LastWins(JsonElement o)
    {
        var d = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in o.EnumerateObject()) d[p.Name] = p.Value;
        return d;
    }
}
