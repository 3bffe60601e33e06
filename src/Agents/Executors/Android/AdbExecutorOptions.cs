namespace Glm4vSK.Agents.Executors;

/// <summary>Settings for an <see cref="AdbDeviceExecutor"/>.</summary>
/// <remarks>
/// The pause after each action (AutoGLM waits about a second so the screen settles) is the agent loop's
/// <see cref="GuiAgentOptions.DelayAfterAction"/>, not an executor setting.
/// </remarks>
public sealed class AdbExecutorOptions
{
    /// <summary>The ADB Keyboard input method (https://github.com/senzhk/ADBKeyBoard), which AutoGLM types with.</summary>
    public const string AdbKeyboardIme = "com.android.adbkeyboard/.AdbIME";

    /// <summary>The adb executable: a path, or a name looked up on <c>PATH</c>. Default <c>adb</c>.</summary>
    public string AdbPath { get; init; } = "adb";

    /// <summary>The device serial (<c>adb -s</c>); <see langword="null"/> = the only attached device.</summary>
    public string? Serial { get; init; }

    /// <summary>
    /// The adb server to talk to, as an adb socket spec (for example <c>tcp:127.0.0.1:5037</c>, or a fake server
    /// in tests); passed to adb as <c>ADB_SERVER_SOCKET</c>. <see langword="null"/> = adb's default (localhost:5037,
    /// started on demand).
    /// </summary>
    public string? ServerSocket { get; init; }

    /// <summary>
    /// App display names (what the model writes in <c>Launch</c> / <c>open_app</c>) → package names. Names are
    /// matched ignoring case, then ignoring spaces, hyphens and underscores. The first name listed for a package is
    /// the one reported as the current app. Default <see cref="AndroidAppPackages.Default"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> AppPackages { get; init; } = AndroidAppPackages.Default;

    /// <summary>The longest one adb call may take before it is killed. Default 30 seconds.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Type through ADB Keyboard broadcasts (AutoGLM's way: any Unicode text, clears reliably; the keyboard must be
    /// installed). When <see langword="false"/>, text is typed with <c>input text</c>, which handles ASCII only,
    /// turns <c>%s</c> into a space (a literal <c>%s</c> cannot be typed) and clears by deleting characters; the
    /// executor writes spaces as <c>%s</c> and single-quotes the text for the device shell, because <c>adb shell</c>
    /// joins its arguments into one command line that the device's <c>sh</c> splits again.
    /// Default <see langword="true"/>.
    /// </summary>
    public bool UseAdbKeyboard { get; init; } = true;

    /// <summary>The input method id to switch to for typing. Default <see cref="AdbKeyboardIme"/>.</summary>
    public string KeyboardIme { get; init; } = AdbKeyboardIme;

    /// <summary>
    /// The pause after switching the keyboard, after clearing and after typing, so the input method has bound to the
    /// field and committed the text before the next step (AutoGLM waits 1 s each). Default 500 ms.
    /// </summary>
    public TimeSpan TextInputDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a wait without a duration of its own lasts (GLM-V mobile <c>wait</c>). Default 1 s (AutoGLM's default).</summary>
    public TimeSpan WaitDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The pause between the two taps of a double tap. Default 100 ms (AutoGLM).</summary>
    public TimeSpan DoubleTapInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a long press holds. Default 3 seconds (AutoGLM).</summary>
    public TimeSpan LongPressDuration { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Press Enter after a GLM-V mobile <c>input_text</c>, which AndroidWorld defines as "click the field, type, press
    /// Enter". Default <see langword="true"/>. (AutoGLM's <c>Type</c> never presses Enter.)
    /// </summary>
    public bool PressEnterAfterInputText { get; init; } = true;

    /// <summary>
    /// How many times <c>input text</c> mode presses Delete to clear a field (<see cref="UseAdbKeyboard"/> false and
    /// an AutoGLM <c>Type</c> or an <c>input_text</c> with <c>override</c>). Default 64.
    /// </summary>
    public int ClearKeyPresses { get; init; } = 64;

    /// <summary>The size of the black placeholder for a secure screen when the size is unknown. Default 1080 × 2400 (AutoGLM).</summary>
    public (int Width, int Height) FallbackScreenSize { get; init; } = (1080, 2400);
}
