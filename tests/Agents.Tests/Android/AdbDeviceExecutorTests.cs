using System.Text;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Screens;
using SkiaSharp;

namespace Glm4vSK.Agents.Tests.Android;

/// <summary>
/// <see cref="AdbDeviceExecutor"/> driving the real adb client against <see cref="FakeAdbServer"/>, with actions
/// parsed from realistic model outputs.
/// </summary>
public sealed class AdbDeviceExecutorTests
{
    private static GuiAction AutoGlm(string call)
    {
        var r = AutoGlmPhoneParser.Instance.Parse($"<think>I should act.</think><answer>{call}</answer>");
        Assert.True(r.IsSuccess, r.ToString());
        return r.Action;
    }

    private static GuiAction Mobile(string actionJson)
    {
        var r = GlmVMobileParser.Instance.Parse($"Memory: None\nReason: next step\nAction: <|begin_of_box|>{actionJson}<|end_of_box|>");
        Assert.True(r.IsSuccess, r.ToString());
        return r.Action;
    }

    private static async Task<GuiActionOutcome> Run(FakeAdbServer fake, GuiAction action, GuiObservation? observation = null, AdbExecutorOptions? options = null)
    {
        var executor = new AdbDeviceExecutor(options ?? AdbTool.Options(fake));
        return await executor.ExecuteAsync(action, observation ?? AdbTool.Observation());
    }

    // ------------------------------------------------------------------ observing

    [Fact]
    public async Task Observe_reads_the_screenshot_size_from_the_png_and_maps_the_foreground_package()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.Screencap = FakeAdbServer.MakePng(720, 1600, SKColors.Green);
        fake.ForegroundPackage = "com.tencent.mm";

        var observation = await AdbTool.Executor(fake).ObserveAsync();

        Assert.Equal((720, 1600), (observation.Screenshot.Width, observation.Screenshot.Height));
        Assert.Equal("image/png", observation.Screenshot.MediaType);
        Assert.Equal(fake.Screencap, observation.Screenshot.Data.ToArray());
        Assert.False(observation.IsSensitiveScreen);
        Assert.Equal("微信", observation.CurrentApp);
        Assert.StartsWith("com.tencent.mm/", observation.Location);
        Assert.Equal(["exec:screencap '-p'", "shell:dumpsys window"], fake.CommandLines);
    }

    [Fact]
    public async Task Current_app_reads_only_the_focus_lines_and_falls_back_to_System_Home()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var executor = AdbTool.Executor(fake);
        // The launcher is in front; the dump also lists Chrome's window (a known app), which must not count.
        Assert.Equal(AdbDeviceExecutor.SystemHome, await executor.GetCurrentAppAsync());
        fake.ForegroundPackage = "com.example.unknown";
        Assert.Equal(AdbDeviceExecutor.SystemHome, await executor.GetCurrentAppAsync());
        fake.ForegroundPackage = "com.android.chrome";
        Assert.Equal("Chrome", await executor.GetCurrentAppAsync());

        var custom = new AdbDeviceExecutor(new AdbExecutorOptions
        {
            AdbPath = AdbTool.Path,
            ServerSocket = fake.ServerSocket,
            AppPackages = AndroidAppPackages.With(AndroidAppPackages.Default, ("My Notes", "com.example.unknown")),
        });
        fake.ForegroundPackage = "com.example.unknown";
        Assert.Equal("My Notes", await custom.GetCurrentAppAsync());
    }

    [Fact]
    public async Task Secure_screen_gives_a_black_placeholder_flagged_sensitive()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.SecureScreen = true;
        fake.WmSize = "Physical size: 1440x3200\nOverride size: 1080x2340";
        var executor = AdbTool.Executor(fake);

        var observation = await executor.ObserveAsync();
        Assert.True(observation.IsSensitiveScreen);
        // Size from `wm size` (the override wins), since no screenshot has succeeded yet.
        Assert.Equal((1080, 2340), (observation.Screenshot.Width, observation.Screenshot.Height));
        using (var bitmap = SKBitmap.Decode(observation.Screenshot.Data.ToArray()))
        {
            Assert.Equal(SKColors.Black, bitmap.GetPixel(0, 0));
            Assert.Equal(SKColors.Black, bitmap.GetPixel(540, 1170));
        }
        Assert.Contains("shell:wm size", fake.CommandLines);

        // Typing on a secure screen asks for confirmation; typing elsewhere does not.
        var type = AutoGlm("do(action=\"Type\", text=\"123456\")");
        Assert.NotNull(await ((IGuiExecutor)executor).GetSensitivityAsync(type, observation));
        Assert.Null(await ((IGuiExecutor)executor).GetSensitivityAsync(type, AdbTool.Observation()));

        // Once a real screenshot was seen, its size is used (no more `wm size`).
        fake.SecureScreen = false;
        fake.Screencap = FakeAdbServer.MakePng(800, 1280, SKColors.Gray);
        Assert.False((await executor.ObserveAsync()).IsSensitiveScreen);
        fake.SecureScreen = true;
        fake.ClearRecords();
        var again = await executor.ObserveAsync();
        Assert.True(again.IsSensitiveScreen);
        Assert.Equal((800, 1280), (again.Screenshot.Width, again.Screenshot.Height));
        Assert.DoesNotContain("shell:wm size", fake.CommandLines);
    }

    [Fact]
    public async Task Non_image_output_with_unknown_size_uses_the_1080x2400_fallback()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.Screencap = Encoding.ASCII.GetBytes("Failed to take screenshot\n");
        fake.WmSize = "nothing useful";
        var observation = await AdbTool.Executor(fake).ObserveAsync();
        Assert.True(observation.IsSensitiveScreen);
        Assert.Equal((1080, 2400), (observation.Screenshot.Width, observation.Screenshot.Height));
    }

    [Fact]
    public async Task A_warning_line_before_the_png_is_skipped()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        byte[] png = FakeAdbServer.MakePng(100, 200, SKColors.Red);
        fake.Screencap = [.. Encoding.ASCII.GetBytes("WARNING: linker: libdvm.so has text relocations.\n"), .. png];
        var observation = await AdbTool.Executor(fake).ObserveAsync();
        Assert.False(observation.IsSensitiveScreen);
        Assert.Equal(png, observation.Screenshot.Data.ToArray());
    }

    // ------------------------------------------------------------------ touches

    [Theory]
    [InlineData(500, 500, 540, 1200)]
    [InlineData(333, 777, 359, 1864)]  // 359.64 and 1864.8 truncate like AutoGLM's int()
    [InlineData(0, 0, 0, 0)]
    [InlineData(1000, 1000, 1079, 2399)]  // clamped onto the screen
    public async Task AutoGLM_Tap_taps_the_truncated_pixel(int ex, int ey, int px, int py)
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var outcome = await Run(fake, AutoGlm($"do(action=\"Tap\", element=[{ex},{ey}])"));
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal([(px, py)], fake.Taps);
        Assert.Equal([$"shell:input tap {px} {py}"], fake.CommandLines);
    }

    [Fact]
    public async Task Mobile_click_taps_the_box_centre()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var outcome = await Run(fake, Mobile("{\"action_type\": \"click\", \"box_2d\": [[100, 200, 300, 400]]}"));
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal([(216, 720)], fake.Taps);
    }

    [Fact]
    public async Task Double_tap_taps_twice_at_the_same_point()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var outcome = await Run(fake, AutoGlm("do(action=\"Double Tap\", element=[250,750])"));
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal([(270, 1800), (270, 1800)], fake.Taps);
    }

    [Fact]
    public async Task Long_press_is_a_3_second_swipe_in_place_for_both_protocols()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        Assert.True((await Run(fake, AutoGlm("do(action=\"Long Press\", element=[100,200])"))).Succeeded);
        Assert.True((await Run(fake, Mobile("{'action_type': 'long_press', 'box_2d': [[100, 200, 300, 400]]}"))).Succeeded);
        Assert.Equal([(108, 480, 108, 480, 3000), (216, 720, 216, 720, 3000)], fake.Swipes);
        Assert.Equal("shell:input swipe 108 480 108 480 3000", fake.CommandLines[0]);
    }

    [Theory]
    [InlineData("[500,800]", "[500,200]", 540, 1920, 540, 480, 2000)]   // 1440 px: 2073 ms clamped to 2000
    [InlineData("[500,300]", "[500,800]", 540, 720, 540, 1920, 1440)]   // 1200 px: 1440000 / 1000
    [InlineData("[500,500]", "[520,510]", 540, 1200, 561, 1224, 1000)]  // 31.9 px: clamped up to 1000
    public async Task AutoGLM_Swipe_uses_start_end_and_the_distance_based_duration(string start, string end, int x1, int y1, int x2, int y2, int duration)
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var outcome = await Run(fake, AutoGlm($"do(action=\"Swipe\", start={start}, end={end})"));
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal([(x1, y1, x2, y2, duration)], fake.Swipes);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("down")]
    [InlineData("left")]
    [InlineData("right")]
    public async Task Mobile_swipe_moves_the_finger_in_the_direction_around_the_screen_centre(string direction)
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var outcome = await Run(fake, Mobile($"{{\"action_type\": \"swipe\", \"direction\": \"{direction}\"}}"));
        Assert.True(outcome.Succeeded, outcome.Message);
        var (x1, y1, x2, y2, ms) = Assert.Single(fake.Swipes);
        // Symmetric around the centre (540, 1200), along one axis only, in the finger's direction.
        Assert.Equal((540 * 2, 1200 * 2), (x1 + x2, y1 + y2));
        switch (direction)
        {
            case "up": Assert.True(x1 == x2 && y2 < y1); break;
            case "down": Assert.True(x1 == x2 && y2 > y1); break;
            case "left": Assert.True(y1 == y2 && x2 < x1); break;
            case "right": Assert.True(y1 == y2 && x2 > x1); break;
        }
        Assert.InRange(ms, 1000, 2000);
        Assert.All((int[])[x1, x2], x => Assert.InRange(x, 0, 1079));
        Assert.All((int[])[y1, y2], y => Assert.InRange(y, 0, 2399));
    }

    [Fact]
    public async Task Mobile_swipe_with_a_box_stays_inside_the_box()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var outcome = await Run(fake, Mobile("{\"action_type\": \"swipe\", \"direction\": \"left\", \"box_2d\": [[0, 500, 1000, 700]]}"));
        Assert.True(outcome.Succeeded, outcome.Message);
        var (x1, y1, x2, y2, ms) = Assert.Single(fake.Swipes);
        Assert.Equal(1440, y1);                 // the box's vertical centre: (1200 + 1680) / 2
        Assert.Equal(y1, y2);
        Assert.True(x1 > x2);
        Assert.Equal(1080, x1 + x2);            // centred on the box's horizontal centre
        Assert.Equal(1000, ms);                 // 648 px: 419 ms clamped up to 1000
    }

    [Fact]
    public async Task Back_and_Home_send_the_AutoGLM_key_events()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.ForegroundPackage = "com.tencent.mm";
        Assert.True((await Run(fake, AutoGlm("do(action=\"Back\")"))).Succeeded);
        Assert.True((await Run(fake, Mobile("{\"action_type\": \"navigate_back\"}"))).Succeeded);
        Assert.Equal("com.tencent.mm", fake.ForegroundPackage);
        Assert.True((await Run(fake, AutoGlm("do(action=\"Home\")"))).Succeeded);
        Assert.Equal(FakeAdbServer.LauncherPackage, fake.ForegroundPackage);
        Assert.True((await Run(fake, Mobile("{\"action_type\": \"navigate_home\"}"))).Succeeded);
        Assert.True((await Run(fake, Mobile("{\"action_type\": \"keyboard_enter\"}"))).Succeeded);
        Assert.Equal(["4", "4", "KEYCODE_HOME", "KEYCODE_HOME", "66"], fake.KeyEvents);
        Assert.Equal("shell:input keyevent KEYCODE_HOME", fake.CommandLines[2]);
    }

    // ------------------------------------------------------------------ apps

    [Theory]
    [InlineData("do(action=\"Launch\", app=\"微信\")", "com.tencent.mm", "微信")]
    [InlineData("do(action=\"Launch\", app=\"wechat\")", "com.tencent.mm", "微信")]
    [InlineData("do(action=\"Launch\", app=\"CHROME\")", "com.android.chrome", "Chrome")]
    [InlineData("do(action=\"Launch\", app=\"小红书\")", "com.xingin.xhs", "小红书")]
    public async Task Launch_starts_the_package_with_monkey_and_the_app_comes_to_front(string call, string package, string shownAs)
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var executor = AdbTool.Executor(fake);
        var outcome = await executor.ExecuteAsync(AutoGlm(call), AdbTool.Observation());
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(["monkey", "-p", package, "-c", "android.intent.category.LAUNCHER", "1"], fake.Commands.Single().Argv);
        Assert.Equal(package, fake.ForegroundPackage);
        Assert.Equal(shownAs, (await executor.ObserveAsync()).CurrentApp);
    }

    [Fact]
    public async Task Mobile_open_app_matches_names_loosely()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var outcome = await Run(fake, Mobile("{\"action_type\": \"open_app\", \"app_name\": \"settings\"}"));
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("com.android.settings", fake.ForegroundPackage);
        var clock = await Run(fake, Mobile("{\"action_type\": \"open_app\", \"app_name\": \"google-clock\"}"));
        Assert.True(clock.Succeeded, clock.Message);
        Assert.Equal("com.google.android.deskclock", fake.ForegroundPackage);
    }

    [Fact]
    public async Task Unknown_app_fails_without_touching_the_device_and_a_missing_one_reports_not_installed()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var unknown = await Run(fake, AutoGlm("do(action=\"Launch\", app=\"NoSuchApp; reboot\")"));
        Assert.False(unknown.Succeeded);
        Assert.Contains("Unknown app 'NoSuchApp; reboot'", unknown.Message);
        Assert.Empty(fake.Commands);

        var notInstalled = await Run(fake, AutoGlm("do(action=\"Launch\", app=\"Spotify\")"));
        Assert.False(notInstalled.Succeeded);
        Assert.Contains("not installed", notInstalled.Message);
        Assert.Equal(FakeAdbServer.LauncherPackage, fake.ForegroundPackage);
    }

    // ------------------------------------------------------------------ typing

    [Theory]
    [InlineData("hello world")]
    [InlineData("你好，世界")]
    [InlineData("say \"hi\" and 'bye'; rm -rf / $HOME `id`")]
    [InlineData("emoji 🙂 and\nnew line")]
    public async Task AutoGLM_Type_clears_and_types_through_ADB_Keyboard_then_restores_the_keyboard(string text)
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.Text = "old text";
        // AutoGLM's Type takes the text verbatim between text=" and the final ") (quotes inside survive).
        var action = AutoGlm($"do(action=\"Type\", text=\"{text}\")");
        Assert.Equal(text, action.Text);

        var outcome = await Run(fake, action);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(text, fake.Text);
        Assert.Equal(FakeAdbServer.DefaultIme, fake.InputMethod);
        var argvs = fake.Commands.Select(c => c.Argv).ToList();
        Assert.Equal(["settings", "get", "secure", "default_input_method"], argvs[0]);
        Assert.Equal(["ime", "enable", FakeAdbServer.AdbKeyboardIme], argvs[1]);
        Assert.Equal(["ime", "set", FakeAdbServer.AdbKeyboardIme], argvs[2]);
        Assert.Equal(["am", "broadcast", "-a", "ADB_CLEAR_TEXT"], argvs[3]);
        Assert.Equal(["am", "broadcast", "-a", "ADB_INPUT_B64", "--es", "msg"], argvs[4].Take(6));
        Assert.Equal(text, Encoding.UTF8.GetString(Convert.FromBase64String(argvs[4][6])));
        Assert.Equal(["ime", "set", FakeAdbServer.DefaultIme], argvs[5]);
        Assert.Equal(6, argvs.Count);
        Assert.All(fake.Commands, c => Assert.False(c.HasExpansion, c.CommandLine));
    }

    [Fact]
    public async Task Type_with_ADB_Keyboard_already_active_does_not_switch_keyboards()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.InputMethod = FakeAdbServer.AdbKeyboardIme;
        var outcome = await Run(fake, AutoGlm("do(action=\"Type_Name\", text=\"张三\")"));
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("张三", fake.Text);
        Assert.DoesNotContain(fake.Commands, c => c.Argv[0] == "ime");
        Assert.Equal(FakeAdbServer.AdbKeyboardIme, fake.InputMethod);
    }

    [Fact]
    public async Task Type_without_ADB_Keyboard_installed_throws_a_typed_error_that_says_how_to_fix_it()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.InstalledImes.Remove(FakeAdbServer.AdbKeyboardIme);
        var ex = await Assert.ThrowsAsync<AdbException>(() => Run(fake, AutoGlm("do(action=\"Type\", text=\"hi\")")));
        Assert.Equal(AdbErrorKind.KeyboardMissing, ex.Kind);
        Assert.Contains("UseAdbKeyboard", ex.Message);
        Assert.Equal(FakeAdbServer.DefaultIme, fake.InputMethod);
        Assert.Equal("", fake.Text);
    }

    [Fact]
    public async Task Mobile_input_text_taps_the_box_clears_on_override_types_and_presses_enter()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.Text = "old";
        var replace = Mobile("{'action_type': 'input_text', 'text': 'Personal Finance Tracker', 'override': True, 'box_2d': [[38, 115, 961, 140]]}");
        var outcome = await Run(fake, replace);
        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("Personal Finance Tracker", fake.Text);
        // Centre of the box: (499.5, 127.5) thousandths → (539.46, 306) px.
        Assert.Equal([(539, 306)], fake.Taps);
        Assert.Contains("ADB_CLEAR_TEXT", fake.Broadcasts);
        Assert.Equal(["66"], fake.KeyEvents);
        Assert.Equal("shell:input tap 539 306", fake.CommandLines[0]);

        fake.ClearRecords();
        var append = Mobile("{\"action_type\": \"input_text\", \"text\": \" 2025\", \"override\": false, \"box_2d\": [[38, 115, 961, 140]]}");
        Assert.True((await Run(fake, append)).Succeeded);
        Assert.Equal("Personal Finance Tracker 2025", fake.Text);
        Assert.DoesNotContain("ADB_CLEAR_TEXT", fake.Broadcasts);
    }

    [Fact]
    public async Task Input_text_mode_quotes_for_the_device_shell_so_the_text_arrives_as_one_argument()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.Text = "old";
        string text = "a b; rm -rf / 'q' \"d\" $(reboot) `id` | cat > x & y";
        var options = new AdbExecutorOptions
        {
            AdbPath = AdbTool.Path, ServerSocket = fake.ServerSocket, UseAdbKeyboard = false, ClearKeyPresses = 8, TextInputDelay = TimeSpan.Zero,
        };
        var outcome = await Run(fake, AutoGlm($"do(action=\"Type\", text=\"{text}\")"), options: options);

        Assert.True(outcome.Succeeded, outcome.Message);
        var commands = fake.Commands;
        Assert.Equal(["input", "keyevent", "KEYCODE_MOVE_END"], commands[0].Argv);
        Assert.Equal(["input", "keyevent", .. Enumerable.Repeat("67", 8)], commands[1].Argv);
        var typed = commands[2];
        Assert.Single(typed.Commands);           // no `;`, `|` or `&` split the line on the device
        Assert.False(typed.HasExpansion);        // no $(…) or `…` would run
        Assert.Equal(["input", "text", text.Replace(" ", "%s")], typed.Argv);
        Assert.Equal(text, fake.Text);           // "old" deleted, then typed
        Assert.Equal(3, commands.Count);
    }

    [Fact]
    public async Task Input_text_mode_refuses_non_ascii_text()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var options = new AdbExecutorOptions { AdbPath = AdbTool.Path, ServerSocket = fake.ServerSocket, UseAdbKeyboard = false };
        var outcome = await Run(fake, AutoGlm("do(action=\"Type\", text=\"你好\")"), options: options);
        Assert.False(outcome.Succeeded);
        Assert.Contains("ADB Keyboard", outcome.Message);
        Assert.DoesNotContain(fake.Commands, c => c.Argv is ["input", "text", ..]);
    }

    // ------------------------------------------------------------------ waiting, unsupported, errors

    [Fact]
    public async Task Wait_waits_and_can_be_cancelled()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var executor = AdbTool.Executor(fake);
        var shortWait = await executor.ExecuteAsync(AutoGlm("do(action=\"Wait\", duration=\"0.05 seconds\")"), AdbTool.Observation());
        Assert.True(shortWait.Succeeded, shortWait.Message);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var longWait = executor.ExecuteAsync(AutoGlm("do(action=\"Wait\", duration=\"600 seconds\")"), AdbTool.Observation(), cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => longWait);
        Assert.Empty(fake.Commands);
    }

    [Fact]
    public async Task Cancelling_a_running_adb_command_kills_it_and_a_slow_one_times_out()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.CommandDelay = TimeSpan.FromSeconds(30);
        var executor = AdbTool.Executor(fake);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.ExecuteAsync(AutoGlm("do(action=\"Tap\", element=[1,1])"), AdbTool.Observation(), cts.Token));

        var impatient = new AdbDeviceExecutor(new AdbExecutorOptions { AdbPath = AdbTool.Path, ServerSocket = fake.ServerSocket, CommandTimeout = TimeSpan.FromMilliseconds(300) });
        var ex = await Assert.ThrowsAsync<AdbException>(() => impatient.ObserveAsync());
        Assert.Equal(AdbErrorKind.TimedOut, ex.Kind);
        Assert.Null(ex.ExitCode);
    }

    [Fact]
    public async Task Actions_a_phone_cannot_do_fail_without_an_exception()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var rightClick = new GuiAction(GuiProtocol.GlmVPc, GuiActionKind.RightClick, "right_click", "right_click",
            new Dictionary<string, object?>(), new GuiPoint(10, 10));
        var outcome = await Run(fake, rightClick);
        Assert.False(outcome.Succeeded);
        Assert.Contains("not supported", outcome.Message);

        var chord = new GuiAction(GuiProtocol.GlmVPc, GuiActionKind.Key, "key", "key", new Dictionary<string, object?> { ["keys"] = "ctrl+alt+t" });
        Assert.False((await Run(fake, chord)).Succeeded);
        Assert.Empty(fake.Commands);
    }

    [Fact]
    public async Task Missing_adb_is_a_typed_error_that_says_how_to_install_it()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var executor = new AdbDeviceExecutor(new AdbExecutorOptions { AdbPath = "/nonexistent/dir/adb", ServerSocket = fake.ServerSocket });
        var ex = await Assert.ThrowsAsync<AdbException>(() => executor.ObserveAsync());
        Assert.Equal(AdbErrorKind.AdbNotFound, ex.Kind);
        Assert.Contains("apt-get install adb", ex.Message);
        Assert.Contains("/nonexistent/dir/adb", ex.Message);
        Assert.Null(ex.ExitCode);
        Assert.Empty(fake.HostRequests);
        GuiExecutorException broke = ex;
        Assert.Equal(GuiPlatform.Android, broke.Platform);
        Assert.Null(broke.StandardError);
        Assert.Equal("", ex.StandardError);
    }

    [Fact]
    public async Task A_serial_that_is_not_attached_is_a_typed_error_with_adbs_exit_code_and_error_output()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var executor = new AdbDeviceExecutor(new AdbExecutorOptions { AdbPath = AdbTool.Path, ServerSocket = fake.ServerSocket, Serial = "no-such-serial" });
        var ex = await Assert.ThrowsAsync<AdbException>(() => executor.ObserveAsync());
        Assert.Equal(AdbErrorKind.DeviceNotFound, ex.Kind);
        Assert.Contains("'no-such-serial'", ex.Message);
        GuiExecutorException broke = ex;
        Assert.Equal(GuiPlatform.Android, broke.Platform);
        Assert.NotNull(broke.ExitCode);
        Assert.NotEqual(0, broke.ExitCode);
        Assert.Contains("device 'no-such-serial' not found", broke.StandardError);
        Assert.Equal(ex.StandardError, broke.StandardError);
    }

    [Fact]
    public async Task No_device_is_a_typed_error_that_says_to_connect_one()
    {
        await using var fake = new FakeAdbServer();
        var executor = AdbTool.Executor(fake);
        var ex = await Assert.ThrowsAsync<AdbException>(() => executor.ObserveAsync());
        Assert.Equal(AdbErrorKind.NoDevice, ex.Kind);
        Assert.Contains("adb devices", ex.Message);
        Assert.Contains("no devices/emulators found", ex.StandardError);
        Assert.NotEqual(0, ex.ExitCode);
        Assert.Contains("screencap", ex.Command);
        Assert.Contains("host:version", fake.HostRequests);

        var tap = await Assert.ThrowsAsync<AdbException>(() => executor.ExecuteAsync(AutoGlm("do(action=\"Tap\", element=[1,1])"), AdbTool.Observation()));
        Assert.Equal(AdbErrorKind.NoDevice, tap.Kind);
    }
}
