using Glm4vSK.Agents;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Samples;

// glm4v-desktop-agent: a GLM-4.1V/4.5V/4.6V model operates an X11 desktop (a real one, or Xvfb) with the OSWorld-style
// PC protocol: left_click(start_box='[x,y]'), type(content='…'), key(keys='ctrl+s'), scroll(…), DONE().
AgentArgs opts;
try { opts = AgentArgs.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
if (opts.Has("help") || opts.Task is null)
{
    Console.Error.WriteLine($"""
        usage: glm4v-desktop-agent <model> [--display :N] [--protocol glm45|glm41] [agent options] "task"
          --display      the X display to operate (default: $DISPLAY); screenshots via libX11, input via xdotool
          --protocol     glm45 (GLM-4.5V/4.6V prompt, default) or glm41 (GLM-4.1V-Thinking prompt)
        {ModelConnection.Usage}
        example: Xvfb :99 -screen 0 1280x800x24 & DISPLAY=:99 xterm &
                 dotnet run -c Release --project samples/DesktopAgent -- --model /models/GLM-4.6V-Flash --display :99 \
                     "Open a terminal and list the files in /tmp"
        """);
    return 2;
}

return await AgentConsole.RunAsync(opts, async ct =>
{
    IGuiPromptBuilder builder = opts.Get("protocol") switch
    {
        null or "glm45" => new Glm45VPcPromptBuilder(),
        "glm41" => new Glm41VPcPromptBuilder(),
        var p => throw new ArgumentException($"--protocol {p}: use glm45 or glm41"),
    };
    var executor = new X11DesktopExecutor(new X11ExecutorOptions { Display = opts.Get("display") });
    await using var model = await ModelConnection.OpenAsync(opts, ct);
    Console.Error.WriteLine($"model: {model.Description}; desktop {executor.Display}; protocol {builder.GetType().Name}");
    var agent = new GuiAgent(model.Client, builder, executor, AgentConsole.Options(opts, builder));
    return await agent.RunAsync(opts.Task!, ct);
});
