using Glm4vSK.Agents.Executors;

namespace Glm4vSK.Agents.Web;

/// <summary>What <see cref="SetOfMarks.ScrollScript"/> reports: what it scrolled, by how much, and how far it could.</summary>
internal sealed record ScrollReport(bool Element, string? Tag, double Moved, double Max)
{
    /// <summary>The outcome of <paramref name="step"/>: a scroll that did not move fails and says why (top, bottom, nothing to scroll).</summary>
    public GuiActionOutcome Describe(ScrollBox step)
    {
        string? label = step.Around?.Label;
        string what = Element
            ? $"the scrollable <{Tag}>{(label is null ? "" : $" around {label}")}"
            : label is null ? "the window" : $"the window ({label} has no scrollable area)";
        double moved = Math.Abs(Moved);
        if (moved < 0.5)
        {
            string edge = Max <= 0 ? "it cannot scroll" : step.Down ? "already at the bottom" : "already at the top";
            return GuiActionOutcome.Failure($"scrolled {what} {step.Direction}, but it did not move ({edge})");
        }
        return GuiActionOutcome.Success($"scrolled {what} {step.Direction} {moved:0} px");
    }
}
