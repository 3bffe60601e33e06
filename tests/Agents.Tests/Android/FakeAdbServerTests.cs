using Glm4vSK.Agents.Executors;
using SkiaSharp;

namespace Glm4vSK.Agents.Tests.Android;

/// <summary>The fake adb server against the real adb client (no executor logic involved beyond the process runner).</summary>
public sealed class FakeAdbServerTests
{
    private static AdbRunner Runner(FakeAdbServer fake, string? serial = null) => new(new AdbExecutorOptions
    {
        AdbPath = AdbTool.Path,
        ServerSocket = fake.ServerSocket,
        Serial = serial,
        CommandTimeout = TimeSpan.FromSeconds(20),
    });

    [Fact]
    public async Task Real_client_lists_devices_runs_shell_and_exec_out_without_restarting_the_server()
    {
        await using var fake = new FakeAdbServer("fake-0001");
        var adb = Runner(fake);

        var devices = await adb.RunAsync(["devices"], default);
        Assert.Contains("fake-0001\tdevice", devices.OutputText);
        var longList = await adb.RunAsync(["devices", "-l"], default);
        Assert.Contains("model:Fake_Phone", longList.OutputText);

        await adb.RunAsync(["shell", "input", "tap", "1", "2"], default);
        Assert.Equal([(1, 2)], fake.Taps);

        var size = await adb.RunAsync(["shell", "wm", "size"], default);
        Assert.Equal("Physical size: 1080x2400", size.OutputText.Trim());

        byte[] png = FakeAdbServer.MakePng(64, 32, SKColors.Red);
        fake.Screencap = png;
        var shot = await adb.RunAsync(["exec-out", "screencap", "-p"], default);
        Assert.Equal(png, shot.StandardOutput);

        // The client accepted our version (41) and never asked the server to die; it used legacy shell: after an
        // empty feature list, and selected the device with host:tport.
        var host = fake.HostRequests;
        Assert.DoesNotContain("host:kill", host);
        Assert.Contains("host:version", host);
        Assert.Contains("host:features", host);
        Assert.Contains("host:tport:any", host);
        Assert.Equal(["shell:input tap 1 2", "shell:wm size", "exec:screencap '-p'"], fake.CommandLines);
    }

    [Fact]
    public async Task Shell_joins_arguments_with_spaces_while_exec_out_quotes_them()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var adb = Runner(fake);
        // Each host argument reaches adb as one argument (no host shell), but `adb shell` joins them for the device sh.
        await adb.RunAsync(["shell", "echo", "a b", "c;d"], default);
        await adb.RunAsync(["exec-out", "echo", "a b", "c'd"], default);
        var commands = fake.Commands;
        Assert.Equal("echo a b c;d", commands[0].CommandLine);
        Assert.Equal([["echo", "a", "b", "c"], ["d"]], commands[0].Commands);
        Assert.Equal(["echo", "a b", "c'd"], commands[1].Argv);
    }

    [Fact]
    public async Task Serial_selects_the_device_and_missing_devices_fail_like_the_real_server()
    {
        await using var fake = new FakeAdbServer("emulator-5554", "fake-0001");
        var chosen = await Runner(fake, "fake-0001").RunAsync(["shell", "echo", "hi"], default);
        Assert.Equal("hi", chosen.OutputText.Trim());
        Assert.Contains("host:tport:serial:fake-0001", fake.HostRequests);
        Assert.Equal("fake-0001", fake.Commands.Single().Serial);

        var several = await Assert.ThrowsAsync<AdbException>(() => Runner(fake).RunAsync(["shell", "echo", "hi"], default));
        Assert.Equal(AdbErrorKind.MultipleDevices, several.Kind);
        var missing = await Assert.ThrowsAsync<AdbException>(() => Runner(fake, "nope").RunAsync(["shell", "echo", "hi"], default));
        Assert.Equal(AdbErrorKind.DeviceNotFound, missing.Kind);
        Assert.Contains("'nope'", missing.Message);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("it's \"quoted\"")]
    [InlineData("a;b && c | d & e")]
    [InlineData("$HOME `id` $(reboot) > /sdcard/x < y")]
    [InlineData("back\\slash\nnewline\ttab")]
    [InlineData("你好 '世界'")]
    [InlineData("'")]
    public void Device_shell_quoting_round_trips_through_the_shell_splitter(string text)
    {
        var (commands, expansion) = FakeShellSyntax.Split("input text " + AndroidShellQuoting.Quote(text));
        Assert.False(expansion);
        Assert.Equal([["input", "text", text]], commands);
    }
}
