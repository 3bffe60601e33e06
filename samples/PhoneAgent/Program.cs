using Glm4vSK.Agents;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Samples;

// glm4v-phone-agent: AutoGLM-Phone-9B (or GLM-4.1V/4.5V with the AndroidWorld protocol) operates an Android device
// over adb: screencap, input tap/swipe/keyevent, monkey to launch apps, text through the ADB Keyboard IME.
AgentArgs opts;
try { opts = AgentArgs.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
if (opts.Has("help") || opts.Task is null)
{
    Console.Error.WriteLine($"""
        usage: glm4v-phone-agent <model> [--serial <id>] [--adb /usr/bin/adb] [--protocol autoglm|mobile45|mobile41]
                                 [--lang zh|en] [--input adbkeyboard|shell] [agent options] "task"
          --serial       the device (see 'adb devices'); needed when several are attached
          --protocol     autoglm (AutoGLM-Phone multi-turn, default), mobile45 / mobile41 (GLM-V AndroidWorld prompt)
          --lang         AutoGLM system prompt language (zh default, en)
          --input        adbkeyboard (AutoGLM's ADB Keyboard IME, handles any text; default) or shell ('input text', ASCII)
        {ModelConnection.Usage}
        example: dotnet run -c Release --project samples/PhoneAgent -- --model /models/AutoGLM-Phone-9B "打开设置，开启深色模式"
        Sensitive taps (AutoGLM's message=) are asked on the console; Take_over waits for you to hand back.
        """);
    return 2;
}

return await AgentConsole.RunAsync(opts, async ct =>
{
    IGuiPromptBuilder builder = opts.Get("protocol") switch
    {
        null or "autoglm" => new AutoGlmPhonePromptBuilder(opts.Get("lang") == "en" ? AutoGlmLanguage.English : AutoGlmLanguage.Chinese),
        "mobile45" => new Glm45VMobilePromptBuilder(),
        "mobile41" => new Glm41VMobilePromptBuilder(),
        var p => throw new ArgumentException($"--protocol {p}: use autoglm, mobile45 or mobile41"),
    };
    var executor = new AdbDeviceExecutor(new AdbExecutorOptions
    {
        AdbPath = opts.Get("adb") ?? "adb",
        Serial = opts.Get("serial"),
        UseAdbKeyboard = opts.Get("input") is null or "adbkeyboard",
    });
    string app = await executor.GetCurrentAppAsync(ct);   // fails early, with adb's reason, when no device is reachable
    await using var model = await ModelConnection.OpenAsync(opts, ct);
    Console.Error.WriteLine($"model: {model.Description}; device {opts.Get("serial") ?? "(default)"} showing {app}; protocol {builder.GetType().Name}");
    // AutoGLM's defaults: up to 100 steps, 1 s after each device action.
    var agent = new GuiAgent(model.Client, builder, executor,
        AgentConsole.Options(opts, builder, defaultMaxSteps: 100, delayAfterAction: TimeSpan.FromSeconds(1)));
    return await agent.RunAsync(opts.Task!, ct);
});
