using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SkiaSharp;

namespace Glm4vSK.Agents.Tests.Android;

/// <summary>
/// A fake adb server for the real <c>adb</c> client (Debian's 1.0.41): point the client at it with
/// <c>ADB_SERVER_SOCKET=tcp:127.0.0.1:&lt;Port&gt;</c> (<see cref="ServerSocket"/>) and it answers the host protocol
/// (<c>host:version</c>, <c>host:devices[-l]</c>, <c>host[-serial:…]:features</c>, <c>host:tport:…</c>,
/// <c>host:transport…</c>) and runs <c>shell:</c> / <c>exec:</c> commands against a tiny simulated phone: taps,
/// swipes and key events are recorded, <c>monkey</c> changes the foreground app, the ADB Keyboard broadcasts and
/// <c>input text</c> edit a text field, <c>screencap -p</c> returns a configurable PNG (or a secure-screen failure).
/// </summary>
/// <remarks>
/// Wire format (AOSP <c>adb/SERVICES.TXT</c>, <c>adb/client/adb_client.cpp</c>): each request is 4 hex digits of
/// length + ASCII; the answer is <c>OKAY</c> or <c>FAIL</c> + 4 hex digits + message. Host queries are answered
/// with a length-prefixed payload and the socket is closed (the client reads until EOF). <c>host:tport:…</c> is
/// answered with <c>OKAY</c> + an 8-byte little-endian transport id and the same socket then carries the device
/// service, whose output is streamed raw until the server closes. The 1.0.41 client kills and restarts a server
/// whose <c>host:version</c> differs from its own (41 = <c>0029</c>), so that is what this server reports. The
/// features list is empty, so the client uses the legacy (non shell-v2) <c>shell:</c> service: the command line is
/// the client's arguments joined by single spaces, and it is split here like the device shell would split it.
/// </remarks>
public sealed class FakeAdbServer : IAsyncDisposable
{
    /// <summary>The serial of the single device a default server has.</summary>
    public const string DefaultSerial = "fake-0001";

    /// <summary>The home screen's package (foreground at start and after Home).</summary>
    public const string LauncherPackage = "com.google.android.apps.nexuslauncher";

    /// <summary>ADB Keyboard's input method id.</summary>
    public const string AdbKeyboardIme = "com.android.adbkeyboard/.AdbIME";

    /// <summary>The device's ordinary keyboard.</summary>
    public const string DefaultIme = "com.google.android.inputmethod.latin/com.android.inputmethod.latin.LatinIME";

    /// <summary>The adb server protocol version of the 1.0.41 client (<c>ADB_SERVER_VERSION</c>).</summary>
    public const int ServerVersion = 41;

    private static readonly Lazy<byte[]> DefaultPng = new(() => MakePng(1080, 2400, new SKColor(30, 120, 200)));

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly object _gate = new();
    private readonly List<string> _hostRequests = [];
    private readonly List<FakeAdbCommand> _commands = [];
    private readonly List<(int X, int Y)> _taps = [];
    private readonly List<(int X1, int Y1, int X2, int Y2, int DurationMs)> _swipes = [];
    private readonly List<string> _keyEvents = [];
    private readonly List<string> _broadcasts = [];
    private readonly List<Task> _connections = [];
    private string _text = "";
    private string _foreground = LauncherPackage;
    private string _ime = DefaultIme;

    /// <summary>Starts a server on 127.0.0.1 with an ephemeral port and the given device serials (none: no device).</summary>
    public FakeAdbServer(params string[] serials)
    {
        Serials = serials;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>A server with one device, <see cref="DefaultSerial"/>.</summary>
    public static FakeAdbServer WithOneDevice() => new(DefaultSerial);

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The value for <c>ADB_SERVER_SOCKET</c> (and <c>AdbExecutorOptions.ServerSocket</c>).</summary>
    public string ServerSocket => $"tcp:127.0.0.1:{Port}";

    /// <summary>The attached devices.</summary>
    public IReadOnlyList<string> Serials { get; }

    // ---- configuration ----

    /// <summary>What <c>screencap -p</c> writes; <see langword="null"/> = a blue 1080×2400 PNG.</summary>
    public byte[]? Screencap { get; set; }

    /// <summary>When set, <c>screencap</c> fails as on a secure (FLAG_SECURE) screen and prints <c>Status: -1</c>.</summary>
    public bool SecureScreen { get; set; }

    /// <summary>What <c>wm size</c> prints.</summary>
    public string WmSize { get; set; } = "Physical size: 1080x2400";

    /// <summary>Packages <c>monkey</c> can launch.</summary>
    public HashSet<string> InstalledPackages { get; } = new(StringComparer.Ordinal)
    {
        LauncherPackage, "com.android.settings", "com.android.chrome", "com.tencent.mm", "com.xingin.xhs", "com.google.android.deskclock",
    };

    /// <summary>Input methods <c>ime enable/set</c> accept.</summary>
    public HashSet<string> InstalledImes { get; } = new(StringComparer.Ordinal) { DefaultIme, AdbKeyboardIme };

    /// <summary>Pause before a device command answers (to test cancellation and timeouts).</summary>
    public TimeSpan CommandDelay { get; set; }

    // ---- simulated device state ----

    /// <summary>The foreground app's package (reported by <c>dumpsys window</c>; set by <c>monkey</c>, Home).</summary>
    public string ForegroundPackage
    {
        get { lock (_gate) return _foreground; }
        set { lock (_gate) _foreground = value; }
    }

    /// <summary>The current input method (<c>settings get secure default_input_method</c>; set by <c>ime set</c>).</summary>
    public string InputMethod
    {
        get { lock (_gate) return _ime; }
        set { lock (_gate) _ime = value; }
    }

    /// <summary>The focused text field's content (edited by ADB Keyboard broadcasts, <c>input text</c> and DEL).</summary>
    public string Text
    {
        get { lock (_gate) return _text; }
        set { lock (_gate) _text = value; }
    }

    // ---- records ----

    /// <summary>Every host request, in order (<c>host:version</c>, <c>host:tport:any</c>, …).</summary>
    public IReadOnlyList<string> HostRequests { get { lock (_gate) return _hostRequests.ToArray(); } }

    /// <summary>Every device command, in order.</summary>
    public IReadOnlyList<FakeAdbCommand> Commands { get { lock (_gate) return _commands.ToArray(); } }

    /// <summary>The command lines of <see cref="Commands"/> as <c>shell:…</c> / <c>exec:…</c>.</summary>
    public IReadOnlyList<string> CommandLines => Commands.Select(c => c.ToString()).ToArray();

    /// <summary>Taps (<c>input tap</c>).</summary>
    public IReadOnlyList<(int X, int Y)> Taps { get { lock (_gate) return _taps.ToArray(); } }

    /// <summary>Swipes and long presses (<c>input swipe</c>; duration 300 ms when not given).</summary>
    public IReadOnlyList<(int X1, int Y1, int X2, int Y2, int DurationMs)> Swipes { get { lock (_gate) return _swipes.ToArray(); } }

    /// <summary>Key events as given (<c>4</c>, <c>KEYCODE_HOME</c>, <c>66</c>, …).</summary>
    public IReadOnlyList<string> KeyEvents { get { lock (_gate) return _keyEvents.ToArray(); } }

    /// <summary>Broadcast actions (<c>ADB_CLEAR_TEXT</c>, <c>ADB_INPUT_B64</c>, …).</summary>
    public IReadOnlyList<string> Broadcasts { get { lock (_gate) return _broadcasts.ToArray(); } }

    /// <summary>Forgets all recorded requests (the device state stays).</summary>
    public void ClearRecords()
    {
        lock (_gate)
        {
            _hostRequests.Clear();
            _commands.Clear();
            _taps.Clear();
            _swipes.Clear();
            _keyEvents.Clear();
            _broadcasts.Clear();
        }
    }

    /// <summary>A solid-colour PNG of the given size (for <see cref="Screencap"/>).</summary>
    public static byte[] MakePng(int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(color);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try { await _acceptLoop.ConfigureAwait(false); } catch (Exception) { }
        Task[] open;
        lock (_gate) open = _connections.ToArray();
        try { await Task.WhenAll(open).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); } catch (Exception) { }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            var task = Task.Run(() => ServeAsync(client));
            lock (_gate)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(task);
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                client.NoDelay = true;
                var stream = client.GetStream();
                string? serial = null;
                while (await ReadRequestAsync(stream).ConfigureAwait(false) is { } request)
                {
                    if (!await HandleAsync(stream, request, s => serial = s, serial).ConfigureAwait(false)) break;
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away, or the server is stopping.
            }
        }
    }

    /// <summary>Answers one request; returns whether the connection stays open for another.</summary>
    private async Task<bool> HandleAsync(NetworkStream stream, string request, Action<string> selectDevice, string? selected)
    {
        bool isDeviceService = request.StartsWith("shell:", StringComparison.Ordinal) || request.StartsWith("exec:", StringComparison.Ordinal);
        if (!isDeviceService)
            lock (_gate) _hostRequests.Add(request);

        if (request == "host:version")
        {
            await WriteOkayPayloadAsync(stream, ServerVersion.ToString("x4", CultureInfo.InvariantCulture)).ConfigureAwait(false);
            return false;
        }
        if (request == "host:kill")
        {
            await WriteAsync(stream, "OKAY").ConfigureAwait(false);
            return false;
        }
        if (request is "host:devices" or "host:devices-l")
        {
            var sb = new StringBuilder();
            for (int i = 0; i < Serials.Count; i++)
            {
                sb.Append(Serials[i]).Append(request == "host:devices" ? "\t" : "               ").Append("device");
                if (request == "host:devices-l") sb.Append($" product:fake model:Fake_Phone device:fake transport_id:{i + 1}");
                sb.Append('\n');
            }
            await WriteOkayPayloadAsync(stream, sb.ToString()).ConfigureAwait(false);
            return false;
        }
        if (request is "host:host-features")
        {
            await WriteOkayPayloadAsync(stream, "").ConfigureAwait(false);
            return false;
        }
        if (TryDeviceQuery(request, out string? target, out string? query))
        {
            if (!TryResolve(target, out string? serial, out string? error))
            {
                await WriteFailAsync(stream, error!).ConfigureAwait(false);
                return false;
            }
            string? answer = query switch
            {
                "features" => "",
                "get-state" => "device",
                "get-serialno" => serial,
                "get-devpath" => "usb:1-1",
                _ => null,
            };
            if (answer is null) await WriteFailAsync(stream, "unknown host service").ConfigureAwait(false);
            else await WriteOkayPayloadAsync(stream, answer).ConfigureAwait(false);
            return false;
        }
        if (request.StartsWith("host:tport:", StringComparison.Ordinal) || request.StartsWith("host:transport", StringComparison.Ordinal))
        {
            bool tport = request.StartsWith("host:tport:", StringComparison.Ordinal);
            string spec = tport ? request["host:tport:".Length..] : request["host:".Length..];
            string? which = spec switch
            {
                "any" or "usb" or "local" or "transport-any" or "transport-usb" or "transport-local" => null,
                _ when spec.StartsWith("serial:", StringComparison.Ordinal) => spec["serial:".Length..],
                _ when spec.StartsWith("transport:", StringComparison.Ordinal) => spec["transport:".Length..],
                _ when spec.StartsWith("transport-id:", StringComparison.Ordinal) => ById(spec["transport-id:".Length..]),
                _ => "\0unknown",
            };
            if (!TryResolve(which, out string? serial, out string? error))
            {
                await WriteFailAsync(stream, error!).ConfigureAwait(false);
                return false;
            }
            selectDevice(serial!);
            if (tport)
            {
                var buffer = new byte[12];
                Encoding.ASCII.GetBytes("OKAY", buffer);
                BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(4), IndexOf(serial!) + 1);
                await stream.WriteAsync(buffer).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync(stream, "OKAY").ConfigureAwait(false);
            }
            return true;
        }
        if (isDeviceService)
        {
            if (selected is null)
            {
                await WriteFailAsync(stream, "device offline (no transport)").ConfigureAwait(false);
                return false;
            }
            int colon = request.IndexOf(':');
            string service = request[..colon], line = request[(colon + 1)..];
            await WriteAsync(stream, "OKAY").ConfigureAwait(false);
            if (CommandDelay > TimeSpan.Zero) await Task.Delay(CommandDelay, _stop.Token).ConfigureAwait(false);
            byte[] output = RunOnDevice(selected, service, line);
            await stream.WriteAsync(output).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
            return false;
        }
        await WriteFailAsync(stream, "unknown host service").ConfigureAwait(false);
        return false;
    }

    private string? ById(string id) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= Serials.Count ? Serials[n - 1] : "\0no such id " + id;

    private int IndexOf(string serial)
    {
        for (int i = 0; i < Serials.Count; i++)
            if (Serials[i] == serial) return i;
        return -1;
    }

    /// <summary><c>host:features</c>, <c>host-serial:S:features</c>, <c>host-transport-id:N:features</c>, <c>host-usb:…</c>.</summary>
    private bool TryDeviceQuery(string request, out string? target, out string? query)
    {
        target = query = null;
        if (request.StartsWith("host-serial:", StringComparison.Ordinal))
        {
            string rest = request["host-serial:".Length..];
            int last = rest.LastIndexOf(':');
            if (last <= 0) return false;
            target = rest[..last];
            query = rest[(last + 1)..];
            return true;
        }
        if (request.StartsWith("host-transport-id:", StringComparison.Ordinal))
        {
            string rest = request["host-transport-id:".Length..];
            int colon = rest.IndexOf(':');
            if (colon <= 0) return false;
            target = ById(rest[..colon]);
            query = rest[(colon + 1)..];
            return true;
        }
        foreach (string prefix in (string[])["host:", "host-usb:", "host-local:"])
        {
            if (!request.StartsWith(prefix, StringComparison.Ordinal)) continue;
            string rest = request[prefix.Length..];
            if (rest is "features" or "get-state" or "get-serialno" or "get-devpath")
            {
                query = rest;
                return true;
            }
        }
        return false;
    }

    /// <summary>Picks the device: <see langword="null"/> = any (exactly one must exist), else by serial; errors as the real server words them.</summary>
    private bool TryResolve(string? which, out string? serial, out string? error)
    {
        serial = error = null;
        if (which is null)
        {
            if (Serials.Count == 0) error = "no devices/emulators found";
            else if (Serials.Count > 1) error = "more than one device/emulator";
            else serial = Serials[0];
        }
        else if (which.StartsWith('\0'))
        {
            error = which.Contains("no such id", StringComparison.Ordinal) ? $"no device with transport id '{which[12..]}'" : "unknown host service";
        }
        else if (IndexOf(which) >= 0)
        {
            serial = which;
        }
        else
        {
            error = $"device '{which}' not found";
        }
        return error is null;
    }

    // ---- the simulated phone ----

    private byte[] RunOnDevice(string serial, string service, string line)
    {
        List<IReadOnlyList<string>> commands;
        bool expansion;
        try
        {
            (commands, expansion) = FakeShellSyntax.Split(line);
        }
        catch (FormatException ex)
        {
            lock (_gate) _commands.Add(new FakeAdbCommand(serial, service, line, [], false));
            return Utf8($"/system/bin/sh: syntax error: {ex.Message}\n");
        }
        lock (_gate) _commands.Add(new FakeAdbCommand(serial, service, line, commands, expansion));
        var output = new MemoryStream();
        foreach (var argv in commands)
        {
            byte[] chunk = RunCommand(argv);
            output.Write(chunk);
        }
        return output.ToArray();
    }

    private byte[] RunCommand(IReadOnlyList<string> argv)
    {
        string Arg(int i) => i < argv.Count ? argv[i] : "";
        switch (argv[0])
        {
            case "screencap" when argv.Contains("-p"):
                if (SecureScreen) return Utf8("Capturing failed.\nStatus: -1\n");
                return Screencap ?? DefaultPng.Value;
            case "wm" when Arg(1) == "size":
                return Utf8(WmSize + "\n");
            case "dumpsys" when Arg(1) == "window":
                return Utf8(DumpsysWindow());
            case "settings" when Arg(1) == "get" && Arg(2) == "secure" && Arg(3) == "default_input_method":
                return Utf8(InputMethod + "\n");
            case "ime":
                return Utf8(Ime(Arg(1), Arg(2)));
            case "am" when Arg(1) == "broadcast":
                return Utf8(Broadcast(argv));
            case "monkey":
                return Utf8(Monkey(argv));
            case "input":
                return Utf8(Input(argv));
            case "echo":
                return Utf8(string.Join(' ', argv.Skip(1)) + "\n");
            default:
                return Utf8($"/system/bin/sh: {argv[0]}: inaccessible or not found\n");
        }
    }

    private string DumpsysWindow()
    {
        string fg = ForegroundPackage;
        // Other windows mention other packages (an IME, the status bar, Chrome in the recents list): only the
        // focus lines say what is in front.
        return $$"""
            WINDOW MANAGER WINDOWS (dumpsys window windows)
              Window #0 Window{1a2b3c4 u0 InputMethod}:
                mOwnerUid=10123 showForAllUsers=true package=com.google.android.inputmethod.latin appop=NONE
              Window #1 Window{5d6e7f8 u0 StatusBar}:
                mOwnerUid=10050 package=com.android.systemui appop=NONE
              Window #2 Window{9a8b7c6 u0 com.android.chrome/org.chromium.chrome.browser.ChromeTabbedActivity}:
                mOwnerUid=10111 package=com.android.chrome appop=NONE
              mGlobalConfiguration={1.0 310mcc260mnc [en_US] ldltr sw411dp w411dp h843dp 420dpi nrml long port}
              mCurrentFocus=Window{3c2b1a0 u0 {{fg}}/{{fg}}.MainActivity}
              mFocusedApp=ActivityRecord{7f6e5d4 u0 {{fg}}/.MainActivity t42}
              mInputMethodTarget in display# 0 Window{1a2b3c4 u0 com.google.android.inputmethod.latin}

            """;
    }

    private string Ime(string verb, string id)
    {
        bool known = InstalledImes.Contains(id);
        switch (verb)
        {
            case "enable":
                return known ? $"Input method {id}: already enabled\n" : $"Unknown input method {id} cannot be enabled for user #0\n";
            case "set":
                if (!known) return $"Unknown input method {id} cannot be selected for user #0\n";
                InputMethod = id;
                return $"Input method {id} selected for user #0\n";
            case "list":
                return string.Join('\n', InstalledImes) + "\n";
            default:
                return $"Unknown command: ime {verb}\n";
        }
    }

    private string Broadcast(IReadOnlyList<string> argv)
    {
        string? action = null, msg = null;
        for (int i = 2; i < argv.Count; i++)
        {
            if (argv[i] == "-a" && i + 1 < argv.Count) action = argv[++i];
            else if (argv[i] == "--es" && i + 2 < argv.Count && argv[i + 1] == "msg") { msg = argv[i + 2]; i += 2; }
        }
        if (action is null) return "Error: no intent action\n";
        lock (_gate)
        {
            _broadcasts.Add(action);
            // Only a running ADB Keyboard (the current IME) receives these broadcasts.
            if (_ime == AdbKeyboardIme)
            {
                if (action == "ADB_CLEAR_TEXT") _text = "";
                else if (action == "ADB_INPUT_B64" && msg is not null) _text += Encoding.UTF8.GetString(Convert.FromBase64String(msg));
                else if (action == "ADB_INPUT_TEXT" && msg is not null) _text += msg;
            }
        }
        return $"Broadcasting: Intent {{ act={action} flg=0x400000{(msg is null ? "" : " (has extras)")} }}\nBroadcast completed: result=0\n";
    }

    private string Monkey(IReadOnlyList<string> argv)
    {
        int p = IndexOfArg(argv, "-p");
        string? package = p >= 0 && p + 1 < argv.Count ? argv[p + 1] : null;
        var log = new StringBuilder();
        foreach (string a in argv.Skip(1)) log.Append("  bash arg: ").Append(a).Append('\n');
        if (package is null || !InstalledPackages.Contains(package))
            return log + "** No activities found to run, monkey aborted.\n";
        ForegroundPackage = package;
        return log + "Events injected: 1\n## Network stats: elapsed time=12ms (0ms mobile, 0ms wifi, 12ms not connected)\n";
    }

    private string Input(IReadOnlyList<string> argv)
    {
        string sub = argv.Count > 1 ? argv[1] : "";
        int[] Ints(int from, int count)
        {
            var values = new int[count];
            for (int i = 0; i < count; i++)
                if (from + i >= argv.Count || !int.TryParse(argv[from + i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i]))
                    throw new FormatException($"input {sub}: bad number '{(from + i < argv.Count ? argv[from + i] : "")}'");
            return values;
        }
        try
        {
            lock (_gate)
            {
                switch (sub)
                {
                    case "tap":
                    {
                        var v = Ints(2, 2);
                        _taps.Add((v[0], v[1]));
                        return "";
                    }
                    case "swipe":
                    {
                        var v = Ints(2, 4);
                        int duration = argv.Count > 6 ? Ints(6, 1)[0] : 300;
                        _swipes.Add((v[0], v[1], v[2], v[3], duration));
                        return "";
                    }
                    case "keyevent":
                        foreach (string key in argv.Skip(2).Where(k => !k.StartsWith("--", StringComparison.Ordinal)))
                        {
                            _keyEvents.Add(key);
                            if (key is "67" or "KEYCODE_DEL" && _text.Length > 0) _text = _text[..^1];
                            else if (key is "3" or "KEYCODE_HOME") _foreground = LauncherPackage;
                        }
                        return "";
                    case "text":
                    {
                        if (argv.Count != 3) return $"Error: input text takes one argument, got {argv.Count - 2}\n";
                        _text += argv[2].Replace("%s", " ", StringComparison.Ordinal);
                        return "";
                    }
                    default:
                        return $"Error: Unknown command: {sub}\n";
                }
            }
        }
        catch (FormatException ex)
        {
            return "Error: " + ex.Message + "\n";
        }
    }

    private static int IndexOfArg(IReadOnlyList<string> argv, string name)
    {
        for (int i = 0; i < argv.Count; i++)
            if (argv[i] == name) return i;
        return -1;
    }

    // ---- wire format ----

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static async Task<string?> ReadRequestAsync(NetworkStream stream)
    {
        var header = new byte[4];
        if (!await ReadExactlyOrEofAsync(stream, header).ConfigureAwait(false)) return null;
        int length = int.Parse(Encoding.ASCII.GetString(header), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var body = new byte[length];
        if (!await ReadExactlyOrEofAsync(stream, body).ConfigureAwait(false)) return null;
        return Encoding.UTF8.GetString(body);
    }

    private static async Task<bool> ReadExactlyOrEofAsync(NetworkStream stream, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read)).ConfigureAwait(false);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    private static Task WriteAsync(NetworkStream stream, string ascii) => stream.WriteAsync(Encoding.ASCII.GetBytes(ascii)).AsTask();

    private static async Task WriteOkayPayloadAsync(NetworkStream stream, string payload)
    {
        byte[] body = Encoding.UTF8.GetBytes(payload);
        await WriteAsync(stream, "OKAY" + body.Length.ToString("x4", CultureInfo.InvariantCulture)).ConfigureAwait(false);
        await stream.WriteAsync(body).ConfigureAwait(false);
    }

    private static async Task WriteFailAsync(NetworkStream stream, string message)
    {
        byte[] body = Encoding.UTF8.GetBytes(message);
        await WriteAsync(stream, "FAIL" + body.Length.ToString("x4", CultureInfo.InvariantCulture)).ConfigureAwait(false);
        await stream.WriteAsync(body).ConfigureAwait(false);
    }
}
