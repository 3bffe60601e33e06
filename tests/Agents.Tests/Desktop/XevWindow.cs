using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Glm4vSK.Agents.Tests.Desktop;

/// <summary>One pointer or key event that <c>xev</c> reported.</summary>
/// <param name="Type"><c>ButtonPress</c>, <c>ButtonRelease</c>, <c>KeyPress</c>, <c>KeyRelease</c> or <c>MotionNotify</c>.</param>
/// <param name="RootX">The pointer position on the screen.</param>
/// <param name="RootY">The pointer position on the screen.</param>
/// <param name="Button">The button of a button event, else 0.</param>
/// <param name="Keysym">The keysym name of a key event, else null.</param>
public sealed record XevEvent(string Type, int RootX, int RootY, int Button, string? Keysym);

/// <summary>
/// An <c>xev</c> window (x11-utils) on an <see cref="XvfbDisplay"/> that records the real X events the executor's
/// input produced: which buttons, where, which keysyms.
/// </summary>
public sealed partial class XevWindow : IDisposable
{
    private readonly X11App _app;

    private XevWindow(X11App app, X11Window window)
    {
        _app = app;
        Window = window;
    }

    /// <summary>The xev window's geometry.</summary>
    public X11Window Window { get; }

    /// <summary>Starts xev as a <paramref name="width"/> × <paramref name="height"/> window at (<paramref name="x"/>, <paramref name="y"/>) and waits until it is shown.</summary>
    public static async Task<XevWindow> StartAsync(XvfbDisplay display, int x, int y, int width, int height)
    {
        string title = "xev-" + Guid.NewGuid().ToString("N")[..8];
        var app = display.StartApp("xev", "-name", title, "-geometry", $"{width}x{height}+{x}+{y}",
            "-event", "button", "-event", "keyboard", "-event", "mouse");
        try
        {
            return new XevWindow(app, await display.WaitForWindowAsync(title, app));
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary>The events reported so far, motion included.</summary>
    public IReadOnlyList<XevEvent> Events
    {
        get
        {
            var events = new List<XevEvent>();
            foreach (Match m in EventRegex().Matches(_app.Output))
            {
                int I(string g) => m.Groups[g].Success ? int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
                events.Add(new XevEvent(m.Groups["type"].Value, I("x"), I("y"), I("button"),
                    m.Groups["keysym"].Success ? m.Groups["keysym"].Value : null));
            }
            return events;
        }
    }

    /// <summary>The button and key events (no motion), in order.</summary>
    public IReadOnlyList<XevEvent> ButtonAndKeyEvents => Events.Where(e => e.Type != "MotionNotify").ToList();

    /// <summary>Waits until <paramref name="done"/> holds for the events (xev prints after the X server delivers them).</summary>
    public async Task<IReadOnlyList<XevEvent>> WaitForAsync(Func<IReadOnlyList<XevEvent>, bool> done, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var events = ButtonAndKeyEvents;
            if (done(events)) return events;
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(10)))
                throw new TimeoutException($"xev did not report the expected events; got: {string.Join("; ", events)}");
            await Task.Delay(25);
        }
    }

    /// <summary>Closes the xev window.</summary>
    public void Dispose() => _app.Dispose();

    [GeneratedRegex(@"(?<type>ButtonPress|ButtonRelease|KeyPress|KeyRelease|MotionNotify) event,.*?root:\((?<x>-?\d+),(?<y>-?\d+)\),\s*state 0x[0-9a-fA-F]+, (?:button (?<button>\d+)|keycode \d+ \(keysym 0x[0-9a-fA-F]+, (?<keysym>[^)]+)\)|is_hint)",
        RegexOptions.Singleline)]
    private static partial Regex EventRegex();
}
