using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Glm4vSK.Agents.Executors;

namespace Glm4vSK.Agents.Tests.Desktop;

/// <summary>
/// A private Xvfb display for a test class (<c>IClassFixture&lt;XvfbDisplay&gt;</c>): starts
/// <c>Xvfb :n -screen 0 1280x800x24 -nolisten tcp -noreset</c> (ArgumentList) on a free display number, waits until it answers,
/// starts X apps on it (xterm, xmessage) and kills everything at the end. Missing tools fail with the apt command
/// that installs them.
/// </summary>
/// <remarks>
/// <c>-noreset</c> keeps the server (and the pointer position) from resetting whenever its last client
/// disconnects, which otherwise happens after every xdotool run on an empty display.
/// </remarks>
public sealed partial class XvfbDisplay : IAsyncLifetime
{
    /// <summary>The screen size.</summary>
    public const int Width = 1280, Height = 800;

    private static readonly object NumberGate = new();
    private readonly List<X11App> _apps = [];
    private Process? _xvfb;

    /// <summary>The colour depth of screen 0 (24, or 16 to test other pixel formats); set before <see cref="InitializeAsync"/>.</summary>
    public int Depth { get; init; } = 24;

    /// <summary>The display name (<c>:93</c>).</summary>
    public string Name { get; private set; } = "";

    /// <summary>The display number.</summary>
    public int Number { get; private set; }

    /// <summary>Environment for child processes: <c>DISPLAY</c> set to this display.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DISPLAY"] = Name };

    public async ValueTask InitializeAsync()
    {
        var errors = new List<string>();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            int number = ReserveNumber();
            if (await TryStartAsync(number, errors)) return;
        }
        throw new InvalidOperationException($"Xvfb did not start after 5 attempts:\n{string.Join("\n", errors)}");
    }

    /// <summary>The lowest display number from 90 up with no socket, no lock file and not handed out by this process.</summary>
    private static int ReserveNumber()
    {
        lock (NumberGate)
        {
            for (int n = 90 + Random.Shared.Next(0, 400); n < 1000; n++)
            {
                if (File.Exists($"/tmp/.X11-unix/X{n}") || File.Exists($"/tmp/.X{n}-lock") || !Reserved.Add(n)) continue;
                return n;
            }
        }
        throw new InvalidOperationException("No free X display number between 90 and 999.");
    }

    private static readonly HashSet<int> Reserved = [];

    private async Task<bool> TryStartAsync(int number, List<string> errors)
    {
        string name = ":" + number.ToString(CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo("Xvfb")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in (string[])[name, "-screen", "0", $"{Width}x{Height}x{Depth}", "-nolisten", "tcp", "-noreset"]) psi.ArgumentList.Add(a);
        Process xvfb;
        try
        {
            xvfb = Process.Start(psi)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"Xvfb is not installed ({ex.Message}). Install it: apt-get install -y --no-install-recommends xvfb xdotool x11-apps xterm x11-utils", ex);
        }
        var log = new StringBuilder();
        xvfb.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        xvfb.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        xvfb.BeginOutputReadLine();
        xvfb.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (xvfb.HasExited)
            {
                lock (log) errors.Add($"Xvfb {name} exited with {xvfb.ExitCode}: {log}");
                xvfb.Dispose();
                return false;
            }
            if (Answers(name))
            {
                _xvfb = xvfb;
                Name = name;
                Number = number;
                return true;
            }
            await Task.Delay(20);
        }
        xvfb.Kill();
        xvfb.Dispose();
        errors.Add($"Xvfb {name} did not answer within 10 s.");
        return false;
    }

    /// <summary>Whether the display accepts a connection (XOpenDisplay, as the executor's screenshots do).</summary>
    private static bool Answers(string name)
    {
        if (!File.Exists($"/tmp/.X11-unix/X{name[1..]}")) return false;
        nint dpy = X11Native.XOpenDisplay(name);
        if (dpy == 0) return false;
        X11Native.XCloseDisplay(dpy);
        return true;
    }

    /// <summary>An executor for this display.</summary>
    public X11DesktopExecutor CreateExecutor(TimeSpan? waitDuration = null) =>
        new(new X11ExecutorOptions { Display = Name, WaitDuration = waitDuration ?? TimeSpan.FromMilliseconds(100) });

    /// <summary>Starts an X program on this display (argument list, DISPLAY set); it is killed when the fixture ends.</summary>
    public X11App StartApp(string fileName, params string[] arguments)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["DISPLAY"] = Name;
        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"{fileName} is not installed ({ex.Message}). Install the desktop test tools: apt-get install -y --no-install-recommends xvfb xdotool x11-apps xterm x11-utils", ex);
        }
        var app = new X11App(fileName, process);
        lock (_apps) _apps.Add(app);
        return app;
    }

    /// <summary>Runs a tool (xdotool, xwininfo) against this display and returns its stdout; fails on a non-zero exit.</summary>
    public async Task<string> RunToolAsync(string fileName, params string[] arguments)
    {
        ToolProcess.Result result;
        try
        {
            result = await ToolProcess.RunAsync(fileName, arguments, Environment, TimeSpan.FromSeconds(20), CancellationToken.None);
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"{fileName} is not installed ({ex.Message}). Install: apt-get install -y --no-install-recommends xdotool x11-utils", ex);
        }
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }

    /// <summary>Waits until a visible window whose title matches <paramref name="title"/> exactly exists and returns its geometry.</summary>
    public async Task<X11Window> WaitForWindowAsync(string title, X11App? app = null, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        string pattern = "^" + Regex.Escape(title) + "$";
        while (true)
        {
            var found = await ToolProcess.RunAsync("xdotool", ["search", "--onlyvisible", "--name", pattern], Environment, TimeSpan.FromSeconds(10), CancellationToken.None);
            string? id = found.ExitCode == 0 ? found.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
            if (id is not null)
            {
                string shell = await RunToolAsync("xdotool", "getwindowgeometry", "--shell", id.Trim());
                var values = shell.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
                    .ToDictionary(p => p[0].Trim(), p => int.Parse(p[1].Trim(), CultureInfo.InvariantCulture));
                return new X11Window(long.Parse(id.Trim(), CultureInfo.InvariantCulture),
                    new Rect(values["X"], values["Y"], values["WIDTH"], values["HEIGHT"]));
            }
            if (app is { HasExited: true })
                throw new InvalidOperationException($"{app.FileName} exited with {app.ExitCode} before its window '{title}' appeared: {app.Output}");
            if (clock.Elapsed > limit)
                throw new TimeoutException($"No window titled '{title}' appeared on {Name} within {limit.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The buttons of an xmessage window, left to right, with their screen rectangles: the lowest row of the
    /// children of its form widget, read from <c>xwininfo -tree</c> (x11-utils).
    /// </summary>
    public async Task<IReadOnlyList<Rect>> GetXmessageButtonsAsync(X11Window window)
    {
        string tree = await RunToolAsync("xwininfo", "-tree", "-id", window.Id.ToString(CultureInfo.InvariantCulture));
        var nodes = new List<(int Indent, Rect Rect)>();
        foreach (string line in tree.Split('\n'))
        {
            var m = TreeLineRegex().Match(line);
            if (m.Success)
            {
                int I(string g) => int.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
                nodes.Add((m.Groups["indent"].Length, new Rect(I("ax"), I("ay"), I("w"), I("h"))));
            }
        }
        if (nodes.Count < 2) throw new InvalidOperationException($"Unexpected xwininfo tree for the xmessage window:\n{tree}");
        int formIndent = nodes[0].Indent;
        int childIndent = nodes.Skip(1).Select(n => n.Indent).Where(i => i > formIndent).DefaultIfEmpty(-1).Min();
        var children = nodes.Skip(1).TakeWhile(n => n.Indent > formIndent).Where(n => n.Indent == childIndent).Select(n => n.Rect).ToList();
        int bottom = children.Max(r => r.Y);
        return children.Where(r => r.Y == bottom).OrderBy(r => r.X).ToList();
    }

    [GeneratedRegex(@"^(?<indent>\s*)0x[0-9a-fA-F]+ .*?\s(?<w>\d+)x(?<h>\d+)[+-]-?\d+[+-]-?\d+\s+\+(?<ax>-?\d+)\+(?<ay>-?\d+)\s*$")]
    private static partial Regex TreeLineRegex();

    public async ValueTask DisposeAsync()
    {
        List<X11App> apps;
        lock (_apps) apps = [.. _apps];
        foreach (var app in apps) app.Dispose();
        if (_xvfb is { } xvfb)
        {
            if (!xvfb.HasExited)
            {
                // SIGTERM lets Xvfb remove its lock file and socket; SIGKILL only if it does not stop.
                _ = Kill(xvfb.Id, 15);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                try
                {
                    await xvfb.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    xvfb.Kill();
                }
            }
            xvfb.Dispose();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>A rectangle in screen pixels.</summary>
public readonly record struct Rect(int X, int Y, int Width, int Height)
{
    public int CenterX => X + Width / 2;

    public int CenterY => Y + Height / 2;

    /// <summary>The centre in the model's thousandths of a <see cref="XvfbDisplay.Width"/> × <see cref="XvfbDisplay.Height"/> screen.</summary>
    public (int X, int Y) CenterThousandths => (
        (int)Math.Round(CenterX * 1000.0 / XvfbDisplay.Width, MidpointRounding.AwayFromZero),
        (int)Math.Round(CenterY * 1000.0 / XvfbDisplay.Height, MidpointRounding.AwayFromZero));
}

/// <summary>A top-level window: its id and geometry.</summary>
public sealed record X11Window(long Id, Rect Bounds);

/// <summary>An X program started on an <see cref="XvfbDisplay"/>.</summary>
public sealed class X11App : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    internal X11App(string fileName, Process process)
    {
        FileName = fileName;
        _process = process;
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string FileName { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the program wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>Waits for the program to exit and returns its exit code; fails after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{FileName} did not exit within {timeout.TotalSeconds} s. Output: {Output}");
        }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
