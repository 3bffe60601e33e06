using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Screens;

namespace Glm4vSK.Agents;

/// <summary>What a report draws on a step's screenshot to show the action, in screenshot pixels.</summary>
public enum GuiMarkerShape
{
    /// <summary>A point (click, tap, long press, hover): a ring at (<c>X</c>, <c>Y</c>).</summary>
    Point,
    /// <summary>A movement (drag, swipe, scroll): an arrow from (<c>X</c>, <c>Y</c>) to (<c>X2</c>, <c>Y2</c>).</summary>
    Arrow,
    /// <summary>An element (set-of-marks label): a rectangle <c>X, Y, Width, Height</c>.</summary>
    Box,
    /// <summary>A caption (typed text, key, answer) at (<c>X</c>, <c>Y</c>).</summary>
    Caption,
}

/// <summary>One mark on a screenshot.</summary>
public sealed record GuiActionMarker(GuiMarkerShape Shape, double X, double Y, double X2 = 0, double Y2 = 0, string? Text = null)
{
    /// <summary>
    /// The marks that show <paramref name="action"/> on <paramref name="observation"/>'s screenshot: where it clicked,
    /// typed, swiped or scrolled, and a caption with the text typed or key pressed. Coordinates are pixels of the
    /// screenshot (thousandths converted, set-of-marks labels resolved to their element's box).
    /// </summary>
    public static IReadOnlyList<GuiActionMarker> For(GuiAction action, GuiObservation observation)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        int w = observation.Screenshot.Width, h = observation.Screenshot.Height;
        var marks = new List<GuiActionMarker>();

        GuiElement? element = null;
        if (action.Label is int label) element = observation.FindElement(label);
        if (element is not null)
            marks.Add(new GuiActionMarker(GuiMarkerShape.Box, element.Bounds.X, element.Bounds.Y, element.Bounds.Width, element.Bounds.Height, $"[{element.Label}]"));

        var p = action.ToPixels(w, h);
        var q = action.EndToPixels(w, h);
        (double X, double Y) at = p is { } pp ? (pp.X, pp.Y) : element is not null ? element.Bounds.Center : (w / 2.0, h / 2.0);

        switch (action.Kind)
        {
            case GuiActionKind.Drag or GuiActionKind.Swipe when q is { } qq:
                marks.Add(new GuiActionMarker(GuiMarkerShape.Arrow, at.X, at.Y, qq.X, qq.Y));
                break;
            case GuiActionKind.Swipe or GuiActionKind.Scroll:
            {
                double len = Math.Min(w, h) * 0.25;
                (double dx, double dy) = action.Direction switch
                {
                    GuiDirection.Up => (0.0, -len),
                    GuiDirection.Down => (0.0, len),
                    GuiDirection.Left => (-len, 0.0),
                    GuiDirection.Right => (len, 0.0),
                    _ => (0.0, 0.0),
                };
                // Swipe: the finger's direction. Scroll: the content's direction — the arrow shows where the view moves.
                marks.Add(new GuiActionMarker(GuiMarkerShape.Arrow, at.X, at.Y, Clamp(at.X + dx, w), Clamp(at.Y + dy, h), action.Direction?.ToString().ToLowerInvariant()));
                break;
            }
            case GuiActionKind.Click or GuiActionKind.LongPress or GuiActionKind.DoubleClick or GuiActionKind.RightClick
                or GuiActionKind.MiddleClick or GuiActionKind.Hover:
                marks.Add(new GuiActionMarker(GuiMarkerShape.Point, at.X, at.Y, Text: action.Name));
                break;
            case GuiActionKind.TypeText:
                if (p is not null || element is not null) marks.Add(new GuiActionMarker(GuiMarkerShape.Point, at.X, at.Y));
                marks.Add(new GuiActionMarker(GuiMarkerShape.Caption, at.X, at.Y, Text: $"type \"{action.Text}\""));
                break;
            case GuiActionKind.Key:
                marks.Add(new GuiActionMarker(GuiMarkerShape.Caption, 8, 8, Text: $"key {action.Keys ?? action.Name}"));
                break;
            default:
                marks.Add(new GuiActionMarker(GuiMarkerShape.Caption, 8, 8, Text: action.Describe()));
                break;
        }
        return marks;
    }

    private static double Clamp(double v, int size) => Math.Clamp(v, 0, size);
}
