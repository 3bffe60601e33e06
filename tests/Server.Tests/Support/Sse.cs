using System.Text.Json;

namespace Glm4vSK.Server.Tests.Support;

/// <summary>Raw HTTP helpers: a chat request body and the data lines of an SSE response.</summary>
internal static class Sse
{
    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static async Task<List<string>> DataAsync(HttpResponseMessage response, CancellationToken ct = default)
    {
        var data = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Add(line["data: ".Length..]);
        return data;
    }

    public static JsonElement Error(string body)
    {
        using var doc = JsonDocument.Parse(body);
        var error = doc.RootElement.GetProperty("error").Clone();
        foreach (var field in new[] { "message", "type", "param", "code" }) Assert.True(error.TryGetProperty(field, out _), $"error.{field} missing in {body}");
        return error;
    }
}
