using Glm4vSK.Agents;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

// A GLM-4.5V/4.6V model operates the X11 desktop of $DISPLAY (a real one, or Xvfb) with the OSWorld-style PC protocol:
// left_click(start_box='[x,y]'), type(content='…'), key(keys='ctrl+s'), DONE(). The options (display, GLM-4.1V
// prompt, remote servers, dry runs) are in the command line: `glm4v agent desktop`.
//   Xvfb :99 -screen 0 1280x800x24 & DISPLAY=:99 xterm &
//   DISPLAY=:99 dotnet run -c Release --project samples/DesktopAgent -- <model dir> "Open a terminal and list /tmp"
if (args.Length != 2) { Console.Error.WriteLine("usage: glm4v-desktop-agent <model dir> \"task\""); return 2; }

await using var engine = await Glm4vEngine.LoadAsync(args[0]);
using IChatClient client = new Glm4vChatClient(engine);
var desktop = new X11DesktopExecutor(new X11ExecutorOptions());   // screenshots via libX11, input via xdotool
var agent = new GuiAgent(client, new Glm45VPcPromptBuilder(), desktop, new GuiAgentOptions
{
    MaxSteps = 20,
    OnStep = (step, _) => { Console.Error.WriteLine($"step {step.Index}: {step.Action?.Name} -> {step.Outcome?.Message}"); return ValueTask.CompletedTask; },
});
var run = await agent.RunAsync(args[1]);
Console.WriteLine($"{run.Status}: {run.Answer ?? run.Message}");
Console.WriteLine($"report: {await run.SaveAsync(Path.Combine("agent-runs", "desktop"))}");
return run.Status == GuiAgentStatus.Completed ? 0 : 3;
