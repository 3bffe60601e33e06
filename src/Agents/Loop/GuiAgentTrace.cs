using System.Text.Json;
using System.Text.Json.Nodes;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents;

/// <summary>Serialises a <see cref="GuiAgentRun"/> as JSON: every step's prompt, raw output, parsed action, outcome and screenshot.</summary>
public static class GuiAgentTrace
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The run as a JSON object. Screenshots are embedded as base64 when <paramref name="includeScreenshots"/>.</summary>
    public static JsonObject ToJson(GuiAgentRun run, bool includeScreenshots = true)
    {
        ArgumentNullException.ThrowIfNull(run);
        var steps = new JsonArray();
        foreach (var step in run.Steps) steps.Add(StepToJson(step, includeScreenshots));
        return new JsonObject
        {
            ["task"] = run.Task,
            ["protocol"] = run.Protocol.ToString(),
            ["platform"] = run.Platform,
            ["status"] = run.Status.ToString(),
            ["message"] = run.Message,
            ["answer"] = run.Answer,
            ["error"] = run.Error is null ? null : $"{run.Error.GetType().FullName}: {run.Error.Message}",
            ["dryRun"] = run.DryRun,
            ["startedAt"] = run.StartedAt.ToString("O"),
            ["finishedAt"] = run.FinishedAt.ToString("O"),
            ["steps"] = steps,
        };
    }

    /// <summary>Writes <see cref="ToJson"/> (indented UTF-8) to <paramref name="stream"/>.</summary>
    public static async Task WriteJsonAsync(GuiAgentRun run, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await JsonSerializer.SerializeAsync(stream, ToJson(run), Indented, cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject StepToJson(GuiAgentStep step, bool includeScreenshots)
    {
        var o = step.Observation;
        return new JsonObject
        {
            ["index"] = step.Index,
            ["location"] = o?.Location,
            ["currentApp"] = o?.CurrentApp,
            ["sensitiveScreen"] = o?.IsSensitiveScreen,
            ["screenshot"] = o is null ? null : ScreenshotToJson(o.Screenshot, includeScreenshots),
            ["elements"] = o is null || o.Elements.Count == 0 ? null : new JsonArray(o.Elements.Select(e => (JsonNode)new JsonObject
            {
                ["label"] = e.Label,
                ["tag"] = e.Tag,
                ["text"] = e.Text,
                ["inputType"] = e.InputType,
                ["bounds"] = new JsonArray(e.Bounds.X, e.Bounds.Y, e.Bounds.Width, e.Bounds.Height),
            }).ToArray()),
            ["prompt"] = new JsonArray(step.Prompt.Select(m => (JsonNode)MessageToJson(m)).ToArray()),
            ["rawOutput"] = step.RawOutput,
            ["reasoning"] = step.Reasoning,
            ["action"] = step.Action is { } a && o is not null ? ActionToJson(a, o.Screenshot) : step.Action is { } b ? ActionToJson(b, null) : null,
            ["parseError"] = step.Parse is { IsSuccess: false } p ? p.Reason : null,
            ["sensitivity"] = step.SensitivityReason,
            ["confirmed"] = step.Confirmed,
            ["executed"] = step.Executed,
            ["outcome"] = step.Outcome is null ? null : new JsonObject { ["succeeded"] = step.Outcome.Succeeded, ["message"] = step.Outcome.Message },
            ["usage"] = step.Usage is null ? null : new JsonObject
            {
                ["inputTokens"] = step.Usage.InputTokenCount,
                ["outputTokens"] = step.Usage.OutputTokenCount,
            },
            ["modelMs"] = Math.Round(step.ModelDuration.TotalMilliseconds, 1),
            ["durationMs"] = Math.Round(step.Duration.TotalMilliseconds, 1),
            ["error"] = step.Error,
        };
    }

    internal static JsonObject ActionToJson(GuiAction a, Screenshot? shot)
    {
        var json = new JsonObject
        {
            ["kind"] = a.Kind.ToString(),
            ["type"] = a.Type,
            ["name"] = a.Name,
            ["args"] = a.ArgsToJson(),
            ["point"] = a.Point is { } p ? new JsonArray(p.X, p.Y) : null,
            ["endPoint"] = a.EndPoint is { } q ? new JsonArray(q.X, q.Y) : null,
        };
        if (shot is not null)
        {
            json["pixelPoint"] = a.ToPixels(shot.Width, shot.Height) is { } pp ? new JsonArray(pp.X, pp.Y) : null;
            json["pixelEndPoint"] = a.EndToPixels(shot.Width, shot.Height) is { } qq ? new JsonArray(qq.X, qq.Y) : null;
        }
        return json;
    }

    private static JsonObject ScreenshotToJson(Screenshot s, bool includeData)
    {
        var json = new JsonObject { ["mediaType"] = s.MediaType, ["width"] = s.Width, ["height"] = s.Height, ["bytes"] = s.Data.Length };
        if (includeData) json["data"] = Convert.ToBase64String(s.Data.Span);
        return json;
    }

    private static JsonObject MessageToJson(ChatMessage m)
    {
        var parts = new JsonArray();
        foreach (var c in m.Contents)
        {
            parts.Add(c switch
            {
                TextContent t => new JsonObject { ["type"] = "text", ["text"] = t.Text },
                DataContent d => new JsonObject { ["type"] = "image", ["mediaType"] = d.MediaType, ["bytes"] = d.Data.Length },
                UriContent u => new JsonObject { ["type"] = "uri", ["uri"] = u.Uri.ToString(), ["mediaType"] = u.MediaType },
                _ => new JsonObject { ["type"] = c.GetType().Name },
            });
        }
        return new JsonObject { ["role"] = m.Role.Value, ["contents"] = parts };
    }
}
