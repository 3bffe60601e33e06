using System.CommandLine;
using Glm4vSK.Agents;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Web;
using Glm4vSK.Cli.Hosting;

namespace Glm4vSK.Cli.Commands;

/// <summary>
/// <c>glm4v agent web|desktop|phone</c>: a GLM-4V model operates a browser page, an X11 desktop or an Android device;
/// <c>glm4v mcp web|desktop|phone</c>: the same agent served as the MCP tool <c>operate(task)</c> over stdio.
/// </summary>
internal static class AgentCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("agent", "Let a GLM-4V model operate a web page, an X11 desktop or an Android phone (a local checkpoint or a remote server).");
        AddTargets(command, context, serve: false);
        return command;
    }

    /// <summary><c>glm4v mcp</c>: the targets of <c>agent</c>, each serving <c>operate(task)</c> to an MCP client on stdin/stdout.</summary>
    public static Command CreateMcp(CliContext context)
    {
        var command = new Command("mcp", "Serve a GUI agent (web, desktop or phone) as the MCP tool operate(task) over stdio, for MCP clients such as Claude Desktop or VS Code.");
        AddTargets(command, context, serve: true);
        return command;
    }

    static void AddTargets(Command command, CliContext context, bool serve)
    {
        command.Subcommands.Add(Web(context, serve));
        command.Subcommands.Add(Desktop(context, serve));
        command.Subcommands.Add(Phone(context, serve));
    }

    static Command Web(CliContext context, bool serve)
    {
        var shared = new AgentOptions(serve);
        var url = new Option<Uri?>("--url")
        {
            Description = "the page to start on (default: a built-in demo shop served on 127.0.0.1)",
            HelpName = "url",
            CustomParser = r =>
            {
                string value = r.Tokens.Count > 0 ? r.Tokens[^1].Value : "";
                if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "file") return uri;
                r.AddError($"--url: '{value}' is not an absolute http(s) or file URL.");
                return null;
            },
        };
        var allowHost = new Option<string[]>("--allow-host")
        {
            Description = "another host the browser may load, any port (repeat); by default only the start page's origin loads, other local ports included (--allow-host 127.0.0.1 opens them)",
            HelpName = "host",
            DefaultValueFactory = _ => [],
        };
        var protocol = CliOption.Choice("--protocol", "web45 (GLM-4.5V/4.6V set-of-marks, default), web41 (GLM-4.1V), pc45/pc41 (coordinates)", "web45", "web41", "pc45", "pc41");
        var headful = new Option<bool>("--headful") { Description = "show the browser window" };
        var chromium = new Option<string>("--chromium") { Description = "the Chromium to drive", HelpName = "path", DefaultValueFactory = _ => "/usr/bin/chromium" };
        var command = new Command("web", "Operate a web page in Chromium (Playwright) with the WebVoyager set-of-marks or the PC coordinate protocol.");
        command.Options.Add(url);
        command.Options.Add(allowHost);
        command.Options.Add(protocol);
        command.Options.Add(headful);
        command.Options.Add(chromium);
        shared.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = shared.Read(parse, context);
            IGuiPromptBuilder builder = parse.GetValue(protocol) switch
            {
                "web41" => new Glm41VWebPromptBuilder(),
                "pc45" => new Glm45VPcPromptBuilder(),
                "pc41" => new Glm41VPcPromptBuilder(),
                _ => new Glm45VWebPromptBuilder(),
            };
            using var shop = parse.GetValue(url) is null ? new DemoShop() : null;
            Uri start = parse.GetValue(url) ?? shop!.Uri;
            var hosts = parse.GetValue(allowHost)!.SelectMany(h => h.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            var baseRule = PlaywrightWebExecutor.DefaultAllow(start);
            return await AgentHost.RunAsync(context, settings, async (use, token) =>
            {
                await using var browser = await PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions
                {
                    ExecutablePath = parse.GetValue(chromium)!,
                    Headless = !parse.GetValue(headful),
                    StartUrl = start,
                    SetOfMarks = builder.UsesSetOfMarks,
                    // Without --allow-host the executor's default rule applies (also enforced in the browser's network stack).
                    AllowNavigation = hosts.Length == 0 ? null : uri => baseRule(uri) || hosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase),
                }, token);
                await using var model = await ModelConnection.OpenAsync(context, settings, token);
                context.Error.WriteLine($"model: {model.Description}; page {start}; protocol {builder.GetType().Name}");
                var agent = new GuiAgent(model.Client, builder, browser, AgentHost.Options(context, settings, builder, start.ToString()));
                return await use(agent, token);
            }, ct);
        });
        return command;
    }

    static Command Desktop(CliContext context, bool serve)
    {
        var shared = new AgentOptions(serve);
        var display = new Option<string?>("--display") { Description = "the X display to operate (default: $DISPLAY); screenshots via libX11, input via xdotool", HelpName = ":N" };
        var protocol = CliOption.Choice("--protocol", "glm45 (GLM-4.5V/4.6V prompt, default) or glm41 (GLM-4.1V-Thinking prompt)", "glm45", "glm41");
        var command = new Command("desktop", "Operate an X11 desktop (a real one, or Xvfb) with the OSWorld-style PC protocol.");
        command.Options.Add(display);
        command.Options.Add(protocol);
        shared.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = shared.Read(parse, context);
            IGuiPromptBuilder builder = parse.GetValue(protocol) == "glm41" ? new Glm41VPcPromptBuilder() : new Glm45VPcPromptBuilder();
            return await AgentHost.RunAsync(context, settings, async (use, token) =>
            {
                var executor = new X11DesktopExecutor(new X11ExecutorOptions { Display = parse.GetValue(display) });
                await using var model = await ModelConnection.OpenAsync(context, settings, token);
                context.Error.WriteLine($"model: {model.Description}; desktop {executor.Display}; protocol {builder.GetType().Name}");
                var agent = new GuiAgent(model.Client, builder, executor, AgentHost.Options(context, settings, builder));
                return await use(agent, token);
            }, ct);
        });
        return command;
    }

    static Command Phone(CliContext context, bool serve)
    {
        var shared = new AgentOptions(serve);
        var serial = new Option<string?>("--serial") { Description = "the device (see 'adb devices'); needed when several are attached", HelpName = "id" };
        var adb = new Option<string>("--adb") { Description = "the adb to run", HelpName = "path", DefaultValueFactory = _ => "adb" };
        var protocol = CliOption.Choice("--protocol", "autoglm (AutoGLM-Phone multi-turn, default), mobile45 / mobile41 (GLM-V AndroidWorld prompt)", "autoglm", "mobile45", "mobile41");
        var lang = CliOption.Choice("--lang", "AutoGLM system prompt language: zh (default) or en", "zh", "en");
        var input = CliOption.Choice("--input", "adbkeyboard (AutoGLM's ADB Keyboard IME, any text; default) or shell ('input text', ASCII)", "adbkeyboard", "shell");
        var command = new Command("phone", "Operate an Android device over adb (AutoGLM-Phone-9B, or GLM-4.1V/4.5V with the AndroidWorld protocol).");
        command.Options.Add(serial);
        command.Options.Add(adb);
        command.Options.Add(protocol);
        command.Options.Add(lang);
        command.Options.Add(input);
        shared.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = shared.Read(parse, context);
            IGuiPromptBuilder builder = parse.GetValue(protocol) switch
            {
                "mobile45" => new Glm45VMobilePromptBuilder(),
                "mobile41" => new Glm41VMobilePromptBuilder(),
                _ => new AutoGlmPhonePromptBuilder(parse.GetValue(lang) == "en" ? AutoGlmLanguage.English : AutoGlmLanguage.Chinese),
            };
            return await AgentHost.RunAsync(context, settings, async (use, token) =>
            {
                var executor = new AdbDeviceExecutor(new AdbExecutorOptions
                {
                    AdbPath = parse.GetValue(adb)!,
                    Serial = parse.GetValue(serial),
                    UseAdbKeyboard = parse.GetValue(input) != "shell",
                });
                string app = await executor.GetCurrentAppAsync(token);   // fails early, with adb's reason, when no device is reachable
                await using var model = await ModelConnection.OpenAsync(context, settings, token);
                context.Error.WriteLine($"model: {model.Description}; device {parse.GetValue(serial) ?? "(default)"} showing {app}; protocol {builder.GetType().Name}");
                // AutoGLM's defaults: up to 100 steps, 1 s after each device action.
                var agent = new GuiAgent(model.Client, builder, executor,
                    AgentHost.Options(context, settings, builder, defaultMaxSteps: 100, delayAfterAction: TimeSpan.FromSeconds(1)));
                return await use(agent, token);
            }, ct);
        });
        return command;
    }
}
