using Glm4vSK.Agents;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Web;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

// A GLM-4.5V/4.6V model operates a web page in the system Chromium (Playwright) with the set-of-marks protocol
// (Click [3], Type [1]; [text], ANSWER; …); the run is saved as trace.json + report.html. The options (demo shop,
// other protocols, allowed hosts, remote servers, step limits) are in the command line: `glm4v agent web`.
//   dotnet run -c Release --project samples/WebAgent -- <model dir> <url> "task"
if (args.Length != 3) { Console.Error.WriteLine("usage: glm4v-web-agent <model dir> <url> \"task\""); return 2; }

await using var engine = await Glm4vEngine.LoadAsync(args[0]);
using IChatClient client = new Glm4vChatClient(engine);
await using var browser = await PlaywrightWebExecutor.LaunchAsync(new WebExecutorOptions
{
    ExecutablePath = "/usr/bin/chromium",
    StartUrl = new Uri(args[1]),   // only this origin loads; every other request is blocked
    SetOfMarks = true,
});
var agent = new GuiAgent(client, new Glm45VWebPromptBuilder(), browser, new GuiAgentOptions
{
    MaxSteps = 20,
    OnStep = (step, _) => { Console.Error.WriteLine($"step {step.Index}: {step.Action?.Name} -> {step.Outcome?.Message}"); return ValueTask.CompletedTask; },
});
var run = await agent.RunAsync(args[2]);
Console.WriteLine($"{run.Status}: {run.Answer ?? run.Message}");
Console.WriteLine($"report: {await run.SaveAsync(Path.Combine("agent-runs", "web"))}");
return run.Status == GuiAgentStatus.Completed ? 0 : 3;
