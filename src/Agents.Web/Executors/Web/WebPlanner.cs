using Glm4vSK.Agents.Screens;
using Glm4vSK.Formats.Gui;

namespace Glm4vSK.Agents.Web;

/// <summary>
/// Decides what a typed <see cref="GuiAction"/> becomes on a web page, without a browser: which point (a set-of-marks
/// label's centre, or the action's thousandths, scaled from the screenshot to the viewport), which gesture, keys,
/// scroll amount and sign, which URL, and what the outcome will say; or why it is refused. Everything that needs the
/// live page (what element is at a point, a <c>&lt;select&gt;</c>, a secret field, how far a box scrolled) is left
/// to the step (<see cref="WebPlanRunner"/>).
/// </summary>
/// <param name="options">The executor's settings (scroll amounts, wheel pixels, default wait, search URL).</param>
/// <param name="isAllowed">The navigation rule (<see cref="PlaywrightWebExecutor.IsAllowed(Uri)"/>).</param>
internal sealed class WebPlanner(WebExecutorOptions options, Func<Uri, bool> isAllowed)
{
    /// <summary>The most wheel clicks one scroll sends, whatever the model asks for.</summary>
    internal const int MaxWheelClicks = 100;

    /// <summary>How long a long press holds the button.</summary>
    internal static readonly TimeSpan LongPressHold = TimeSpan.FromMilliseconds(800);

    /// <summary>Pointer moves between the ends of a drag (so that pages see intermediate <c>mousemove</c>s).</summary>
    internal const int DragMoveSteps = 10;

    /// <summary>How many characters of an element's text a label description shows.</summary>
    private const int LabelTextLength = 40;

    /// <summary>
    /// The plan for <paramref name="action"/> on the page <paramref name="observation"/> shows. Points in thousandths are
    /// converted against the screenshot and scaled to the <paramref name="viewport"/> (CSS pixels; <see langword="null"/>
    /// or empty = the screenshot's size), rounded to 2 decimals and clamped to it; a label acts at the centre of the
    /// element's bounds as the model saw them, scaled the same way.
    /// </summary>
    public WebPlan Plan(GuiAction action, GuiObservation observation, (int Width, int Height)? viewport = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observation);
        var frame = new Frame(observation, viewport is { Width: > 0, Height: > 0 } v ? v : (observation.Screenshot.Width, observation.Screenshot.Height));
        string name = action.Name;
        switch (action.Kind)
        {
            case GuiActionKind.Click or GuiActionKind.DoubleClick or GuiActionKind.RightClick or GuiActionKind.MiddleClick or GuiActionKind.Hover
                or GuiActionKind.LongPress:
            {
                if (!frame.TryTarget(action, out var target, out string? failure)) return WebPlan.Refuse(failure!);
                var (gesture, verb) = action.Kind switch
                {
                    GuiActionKind.Click => (WebGesture.Click, "clicked"),
                    GuiActionKind.DoubleClick => (WebGesture.DoubleClick, "double-clicked"),
                    GuiActionKind.RightClick => (WebGesture.RightClick, "right-clicked"),
                    GuiActionKind.MiddleClick => (WebGesture.MiddleClick, "middle-clicked"),
                    GuiActionKind.LongPress => (WebGesture.LongPress, "long-pressed"),
                    _ => (WebGesture.Hover, "moved the pointer to"),
                };
                // Hovering opens nothing, so a new-tab link under the pointer is left as it is.
                return WebPlan.Do(new PointerAt(target, gesture, verb, Retarget: gesture != WebGesture.Hover,
                    gesture == WebGesture.LongPress ? LongPressHold : TimeSpan.Zero), settle: true);
            }

            case GuiActionKind.Drag:
            {
                if (action.Point is not { } p || action.EndPoint is not { } e) return WebPlan.Refuse($"{name} needs a start and an end point");
                var (from, to) = (frame.ToViewport(p), frame.ToViewport(e));
                return WebPlan.Do(new DragBetween(from, to, DragMoveSteps, $"dragged from {from} to {to}"), settle: true);
            }

            case GuiActionKind.TypeText:
            {
                if (action.Text is not { } text) return WebPlan.Refuse($"{name} needs the text to type");
                // Web Type [n] and mobile input_text name a target (clicked first); PC and AutoGLM type go to the focus.
                WebTarget? at = null;
                if (action.Label is not null || action.Point is not null)
                {
                    if (!frame.TryTarget(action, out var target, out string? failure)) return WebPlan.Refuse(failure!);
                    at = target;
                }
                bool seenAsPassword = action.Label is int label && observation.FindElement(label) is { IsPassword: true };
                // WebVoyager clears the field and presses Enter; mobile input_text clears only with override=True.
                return WebPlan.Do(new TypeInto(at, text, action.ReplaceText, action.PressEnter, seenAsPassword), settle: true);
            }

            case GuiActionKind.Key:
                return PlaywrightKeys.TryTranslate(action.Keys, out var presses, out string? error)
                    ? WebPlan.Do(new PressKeys(presses), settle: true)
                    : WebPlan.Refuse(error!);

            case GuiActionKind.Scroll:
                return PlanScroll(action, frame);

            case GuiActionKind.Swipe:
                return PlanSwipe(action, frame);

            case GuiActionKind.NavigateBack:
                return WebPlan.Do(new GoBack());

            case GuiActionKind.Wait:
                // AutoGLM Wait(duration="2 seconds") carries its own duration (read by GuiWait); the others wait the default.
                return WebPlan.Do(new WaitFor(action.Duration ?? options.WaitDuration));

            case GuiActionKind.Search:
            {
                var url = options.SearchUrl;
                return isAllowed(url)
                    ? WebPlan.Do(new Navigate(url))
                    : WebPlan.Refuse($"{name} is not available: navigation to {url} is not allowed (WebExecutorOptions.AllowNavigation); stay on this site");
            }

            default:
                return WebPlan.Refuse($"{name} ({action.Kind}) is not supported on the web");
        }
    }

    private WebPlan PlanScroll(GuiAction action, Frame frame)
    {
        if (action.Direction is not (GuiDirection.Up or GuiDirection.Down))
            return WebPlan.Refuse($"{action.Name} needs the direction up or down");
        bool down = action.Direction == GuiDirection.Down;
        int? pixels = options.ScrollPixels > 0 ? options.ScrollPixels : null;

        if (action.Label is int label)
        {
            // Web: Scroll [n]; [up|down] scrolls the box around the element (Scroll [WINDOW] has no label).
            return frame.TryLabel(label, out var target, out string? failure)
                ? WebPlan.Do(new ScrollBox(target, down, pixels))
                : WebPlan.Refuse(failure!);
        }

        if (action.Point is { } point)
        {
            // PC: scroll(start_box, direction, step) = step wheel clicks at the point.
            var at = frame.ToViewport(point);
            int clicks = Math.Min(action.Steps ?? options.ScrollClicksDefault, MaxWheelClicks);
            string word = down ? "down" : "up";
            return WebPlan.Do(new Wheel(at, 0, (down ? 1 : -1) * clicks * options.WheelClickPixels, $"scrolled {word} {clicks} wheel clicks at {at}"));
        }

        return WebPlan.Do(new ScrollBox(null, down, pixels));
    }

    private WebPlan PlanSwipe(GuiAction action, Frame frame)
    {
        var (width, height) = frame.Viewport;
        var from = action.Point is { } p ? frame.ToViewport(p) : new WebPoint(width / 2.0, height / 2.0);
        double dx, dy;
        if (action.EndPoint is { } e)
        {
            // The finger moves from start to end; the content follows it, i.e. the page scrolls the opposite way.
            var to = frame.ToViewport(e);
            (dx, dy) = (from.X - to.X, from.Y - to.Y);
        }
        else
        {
            double amount = options.ScrollPixels > 0 ? options.ScrollPixels : Math.Round(height * 2 / 3.0);
            switch (action.Direction)
            {
                case GuiDirection.Up: (dx, dy) = (0, amount); break;
                case GuiDirection.Down: (dx, dy) = (0, -amount); break;
                case GuiDirection.Left: (dx, dy) = (amount, 0); break;
                case GuiDirection.Right: (dx, dy) = (-amount, 0); break;
                default: return WebPlan.Refuse($"{action.Name} needs a direction (up, down, left or right)");
            }
        }
        string scroll = Math.Abs(dy) >= Math.Abs(dx)
            ? $"{(dy >= 0 ? "down" : "up")} {Math.Abs(dy):0} px"
            : $"{(dx >= 0 ? "right" : "left")} {Math.Abs(dx):0} px";
        return WebPlan.Do(new Wheel(from, dx, dy, $"swiped at {from}: scrolled the page {scroll}"));
    }

    /// <summary>The observation and the viewport it is acted on: label and point resolution.</summary>
    private readonly record struct Frame(GuiObservation Observation, (int Width, int Height) Viewport)
    {
        /// <summary>Viewport pixels per screenshot pixel (1 unless the screenshot was resized).</summary>
        private (double X, double Y) Scale =>
            ((double)Viewport.Width / Observation.Screenshot.Width, (double)Viewport.Height / Observation.Screenshot.Height);

        public WebPoint ToViewport(GuiPoint point)
        {
            var shot = Observation.Screenshot;
            var px = point.ToPixels(shot.Width, shot.Height);
            var (sx, sy) = Scale;
            return new WebPoint(Math.Clamp(Math.Round(px.X * sx, 2), 0, Viewport.Width - 1), Math.Clamp(Math.Round(px.Y * sy, 2), 0, Viewport.Height - 1));
        }

        /// <summary>The label's element, else the action's point.</summary>
        public bool TryTarget(GuiAction action, out WebTarget target, out string? failure)
        {
            if (action.Label is int label) return TryLabel(label, out target, out failure);
            target = default;
            failure = null;
            if (action.Point is { } point)
            {
                target = new WebTarget(ToViewport(point));
                return true;
            }
            failure = $"{action.Name} needs an element label or a point";
            return false;
        }

        /// <summary>The centre of element [<paramref name="label"/>]; an unknown label fails naming the labels there are.</summary>
        public bool TryLabel(int label, out WebTarget target, out string? failure)
        {
            target = default;
            failure = null;
            if (Observation.FindElement(label) is not { } element)
            {
                string known = Observation.Elements.Count == 0
                    ? "the screenshot has no labelled elements"
                    : $"the labels on the screenshot are 0 to {Observation.Elements.Max(e => e.Label)}";
                failure = $"there is no element [{label}] ({known})";
                return false;
            }
            var (cx, cy) = element.Bounds.Center;
            var (sx, sy) = Scale;
            string text = element.Text.Length == 0 ? "" : $" \"{WebText.Shorten(element.Text, LabelTextLength)}\"";
            target = new WebTarget(new WebPoint(cx * sx, cy * sy), $"[{element.Label}] <{element.Tag}>{text}");
            return true;
        }
    }
}
