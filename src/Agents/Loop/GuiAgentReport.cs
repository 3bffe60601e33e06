using System.Globalization;
using System.Net;
using System.Text;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents;

/// <summary>
/// Renders a <see cref="GuiAgentRun"/> as one self-contained HTML file (no external assets): per step the screenshot
/// with an SVG overlay marking where the agent clicked, typed, swiped or scrolled, then the parsed action, the
/// outcome, the raw answer and the prompt text.
/// </summary>
public static class GuiAgentReport
{
    /// <summary>The report as a string.</summary>
    public static string ToHtml(GuiAgentRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>GUI agent run: ")
          .Append(E(Shorten(run.Task, 80))).Append("</title>\n<style>")
          .Append("body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;background:#fafafa}")
          .Append(".step{background:#fff;border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0;display:flex;gap:1.5rem;flex-wrap:wrap}")
          .Append(".shot{flex:0 0 auto;max-width:min(640px,100%)}.shot svg{width:100%;height:auto;border:1px solid #ccc}")
          .Append(".info{flex:1 1 320px;min-width:0}pre{white-space:pre-wrap;word-break:break-word;background:#f3f3f3;padding:.5rem;border-radius:4px;font-size:.85rem}")
          .Append(".ok{color:#167a16}.bad{color:#b00020}.tag{display:inline-block;padding:0 .4rem;border-radius:4px;background:#eee;margin-right:.3rem}")
          .Append("</style></head><body>\n");
        sb.Append("<h1>GUI agent run</h1>\n<p><b>Task:</b> ").Append(E(run.Task)).Append("</p>\n<p>")
          .Append("<span class=\"tag\">").Append(E(run.Protocol.ToString())).Append("</span>")
          .Append("<span class=\"tag\">").Append(E(run.Platform)).Append("</span>")
          .Append(run.DryRun ? "<span class=\"tag\">dry run</span>" : "")
          .Append("<b class=\"").Append(run.Succeeded ? "ok" : "bad").Append("\">").Append(E(run.Status.ToString())).Append("</b> — ")
          .Append(E(run.Message)).Append("</p>\n");
        if (run.Answer is not null) sb.Append("<p><b>Answer:</b> ").Append(E(run.Answer)).Append("</p>\n");
        sb.Append("<p>").Append(run.Steps.Count).Append(" step(s), ")
          .Append(E((run.FinishedAt - run.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture))).Append(" s, started ")
          .Append(E(run.StartedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture))).Append("</p>\n");

        foreach (var step in run.Steps) AppendStep(sb, step);
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToHtml"/> (UTF-8) to <paramref name="stream"/>.</summary>
    public static async Task WriteHtmlAsync(GuiAgentRun run, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] bytes = Encoding.UTF8.GetBytes(ToHtml(run));
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static void AppendStep(StringBuilder sb, GuiAgentStep step)
    {
        sb.Append("<section class=\"step\" id=\"step-").Append(step.Index).Append("\">\n<div class=\"shot\">");
        if (step.Observation is { } obs) AppendScreenshot(sb, step, obs);
        else sb.Append("<p>(no screenshot)</p>");
        sb.Append("</div>\n<div class=\"info\"><h2>Step ").Append(step.Index).Append("</h2>\n");
        if (step.Action is { } a)
        {
            sb.Append("<p><b>Action:</b> <code>").Append(E(a.Name)).Append("</code> ")
              .Append(E(a.ArgsToJson().ToJsonString())).Append("</p>\n");
        }
        else if (step.Parse is { IsSuccess: false } p)
        {
            sb.Append("<p class=\"bad\"><b>Unparsable answer:</b> ").Append(E(p.Reason)).Append("</p>\n");
        }
        if (step.SensitivityReason is not null)
            sb.Append("<p><b>Sensitive:</b> ").Append(E(step.SensitivityReason)).Append(" — ")
              .Append(step.Confirmed switch { true => "confirmed by the user", false => "refused", null => "not asked (dry run)" }).Append("</p>\n");
        if (step.Outcome is { } o)
            sb.Append("<p><b>Outcome:</b> <span class=\"").Append(o.Succeeded ? "ok" : "bad").Append("\">").Append(E(o.Message)).Append("</span>")
              .Append(step.Executed ? "" : " <span class=\"tag\">not executed</span>").Append("</p>\n");
        if (step.Error is not null) sb.Append("<p class=\"bad\"><b>Error:</b> ").Append(E(step.Error)).Append("</p>\n");
        sb.Append("<p>model ").Append(step.ModelDuration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture))
          .Append(" s, step ").Append(step.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)).Append(" s")
          .Append(step.Observation?.Location is { } loc ? ", at " + E(loc) : "")
          .Append(step.Observation?.CurrentApp is { } app ? ", app " + E(app) : "").Append("</p>\n");
        if (step.RawOutput is not null)
            sb.Append("<details open><summary>Model output</summary><pre>").Append(E(step.RawOutput)).Append("</pre></details>\n");
        if (step.Prompt.Count > 0)
        {
            sb.Append("<details><summary>Prompt</summary>");
            foreach (var m in step.Prompt)
            {
                sb.Append("<p><b>").Append(E(m.Role.Value)).Append("</b></p>");
                foreach (var c in m.Contents)
                {
                    if (c is TextContent t) sb.Append("<pre>").Append(E(t.Text)).Append("</pre>");
                    else if (c is DataContent d) sb.Append("<p class=\"tag\">[").Append(E(d.MediaType)).Append(", ").Append(d.Data.Length).Append(" bytes]</p>");
                }
            }
            sb.Append("</details>\n");
        }
        sb.Append("</div></section>\n");
    }

    private static void AppendScreenshot(StringBuilder sb, GuiAgentStep step, GuiObservation obs)
    {
        var shot = obs.Screenshot;
        double unit = Math.Max(shot.Width, shot.Height) / 100.0; // stroke and text scale with the screenshot
        sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").Append(shot.Width).Append(' ').Append(shot.Height)
          .Append("\" data-width=\"").Append(shot.Width).Append("\" data-height=\"").Append(shot.Height).Append("\">")
          .Append("<defs><marker id=\"arrow-").Append(step.Index).Append("\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"4\" markerHeight=\"4\" orient=\"auto-start-reverse\">")
          .Append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#ff1744\"/></marker></defs>")
          .Append("<image width=\"").Append(shot.Width).Append("\" height=\"").Append(shot.Height).Append("\" href=\"")
          .Append(shot.ToDataUri()).Append("\"/>");
        if (step.Action is { } action)
        {
            foreach (var m in GuiActionMarker.For(action, obs))
            {
                switch (m.Shape)
                {
                    case GuiMarkerShape.Point:
                        sb.Append("<circle class=\"mark-point\" cx=\"").Append(N(m.X)).Append("\" cy=\"").Append(N(m.Y)).Append("\" r=\"").Append(N(2.2 * unit))
                          .Append("\" fill=\"rgba(255,23,68,.25)\" stroke=\"#ff1744\" stroke-width=\"").Append(N(0.5 * unit)).Append("\"/>")
                          .Append("<circle cx=\"").Append(N(m.X)).Append("\" cy=\"").Append(N(m.Y)).Append("\" r=\"").Append(N(0.5 * unit)).Append("\" fill=\"#ff1744\"/>");
                        break;
                    case GuiMarkerShape.Arrow:
                        sb.Append("<line class=\"mark-arrow\" x1=\"").Append(N(m.X)).Append("\" y1=\"").Append(N(m.Y)).Append("\" x2=\"").Append(N(m.X2)).Append("\" y2=\"").Append(N(m.Y2))
                          .Append("\" stroke=\"#ff1744\" stroke-width=\"").Append(N(0.8 * unit)).Append("\" marker-end=\"url(#arrow-").Append(step.Index).Append(")\"/>");
                        break;
                    case GuiMarkerShape.Box:
                        sb.Append("<rect class=\"mark-box\" x=\"").Append(N(m.X)).Append("\" y=\"").Append(N(m.Y)).Append("\" width=\"").Append(N(m.X2)).Append("\" height=\"").Append(N(m.Y2))
                          .Append("\" fill=\"none\" stroke=\"#ff1744\" stroke-width=\"").Append(N(0.4 * unit)).Append("\"/>");
                        break;
                    case GuiMarkerShape.Caption:
                        sb.Append("<text class=\"mark-caption\" x=\"").Append(N(m.X + unit)).Append("\" y=\"").Append(N(m.Y + 2.5 * unit))
                          .Append("\" font-size=\"").Append(N(2.2 * unit)).Append("\" font-family=\"sans-serif\" fill=\"#ff1744\" stroke=\"#fff\" stroke-width=\"")
                          .Append(N(0.3 * unit)).Append("\" paint-order=\"stroke\">").Append(E(Shorten(m.Text ?? "", 60))).Append("</text>");
                        break;
                }
            }
        }
        sb.Append("</svg>");
    }

    private static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
