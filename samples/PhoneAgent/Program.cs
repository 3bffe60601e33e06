using Glm4vSK.Agents;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;
using Microsoft.Extensions.AI;

// AutoGLM-Phone-9B operates the Android device adb sees (screencap; input tap/swipe/keyevent; text through the ADB
// Keyboard IME). Sensitive taps are refused here; `glm4v agent phone` asks on the console, and has the options
// (serial, AndroidWorld protocol for GLM-4.1V/4.5V, language, remote servers).
//   dotnet run -c Release --project samples/PhoneAgent -- <model dir> "打开设置，开启深色模式"
if (args.Length != 2) { Console.Error.WriteLine("usage: glm4v-phone-agent <model dir> \"task\""); return 2; }

await using var engine = await Glm4vEngine.LoadAsync(args[0]);
using IChatClient client = new Glm4vChatClient(engine);
var phone = new AdbDeviceExecutor(new AdbExecutorOptions());
var agent = new GuiAgent(client, new AutoGlmPhonePromptBuilder(AutoGlmLanguage.Chinese), phone, new GuiAgentOptions
{
    MaxSteps = 100,                               // AutoGLM's defaults: up to 100 steps, 1 s after each action
    DelayAfterAction = TimeSpan.FromSeconds(1),
    OnStep = (step, _) => { Console.Error.WriteLine($"step {step.Index}: {step.Action?.Name} -> {step.Outcome?.Message}"); return ValueTask.CompletedTask; },
});
var run = await agent.RunAsync(args[1]);
Console.WriteLine($"{run.Status}: {run.Answer ?? run.Message}");
Console.WriteLine($"report: {await run.SaveAsync(Path.Combine("agent-runs", "phone"))}");
return run.Status == GuiAgentStatus.Completed ? 0 : 3;
