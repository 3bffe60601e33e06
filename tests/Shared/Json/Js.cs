using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glm4vSK.LocalEngine.Testing;

/// <summary>Compact JSON without escaping quotes or non-ASCII, for readable expectations.</summary>
internal static class Js
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Of(JsonNode? node) => node?.ToJsonString(Options) ?? "null";
}
