using System.Diagnostics;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Tests.Support;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Tests.Desktop;

/// <summary>
/// Acceptance: a whole <see cref="GuiAgent"/> run on an Xvfb desktop with the X11 executor and a scripted model that
/// answers protocol-correct GLM-4.5V PC outputs. The desktop state is checked before every model call, i.e. after
/// each executed step.
/// </summary>
public sealed class DesktopAgentLoopTests(XvfbDisplay display) : IClassFixture<XvfbDisplay>
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    /// <summary>The desktop as the model's call <see cref="Call"/> found it.</summary>
    private sealed record DesktopState(int Call, string? FileText, int? XmessageExit, int ScreenshotWidth, int ScreenshotHeight);

    private static IGuiPromptBuilder PcBuilder() => new Glm45VPcPromptBuilder();

    [Fact]
    public async Task Agent_types_a_command_into_an_xterm_runs_it_and_confirms_a_dialog()
    {
        string file = Path.Combine(Path.GetTempPath(), $"x11-agent-{Guid.NewGuid():N}.txt");
        string termTitle = "term-" + Guid.NewGuid().ToString("N")[..8], askTitle = "ask-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using var xterm = display.StartApp("xterm", "-T", termTitle, "-geometry", "80x24+40+40", "-e", "/bin/sh");
            using var xmessage = display.StartApp("xmessage", "-title", askTitle, "-geometry", "+800+500",
                "-buttons", "Yes:10,No:20", "Did the command run?");
            var term = await display.WaitForWindowAsync(termTitle, xterm);
            var ask = await display.WaitForWindowAsync(askTitle, xmessage);
            var yes = (await display.GetXmessageButtonsAsync(ask))[0];
            var (termX, termY) = term.Bounds.CenterThousandths;
            var (yesX, yesY) = yes.CenterThousandths;

            var states = new List<DesktopState>();
            string[] script =
            [
                $"A terminal is open on the left. I will click into it so it receives the keyboard. <|begin_of_box|>left_click(start_box='[{termX},{termY}]', element_info='terminal')<|end_of_box|>\nMemory:\n[]",
                $"The terminal has focus. I will type the command. <|begin_of_box|>type(content='echo agent > {file}')<|end_of_box|>\nMemory:\n[{{\"file\": \"{file}\"}}]",
                $"The command is typed; I press Enter to run it. <|begin_of_box|>key(keys='enter')<|end_of_box|>\nMemory:\n[{{\"file\": \"{file}\"}}]",
                $"The command ran. The dialog asks whether it ran; I click Yes. <|begin_of_box|>left_click(start_box='[{yesX},{yesY}]', element_info='Yes')<|end_of_box|>\nMemory:\n[]",
                "The file is written and the dialog is confirmed. <|begin_of_box|>DONE()<|end_of_box|>\nMemory:\n[]",
            ];
            var client = new ScriptedChatClient((messages, call) =>
            {
                // What the previous step should have done: wait for it where it takes the desktop a moment.
                if (call == 3) Until(() => Read(file) is { Length: > 0 });
                if (call == 4) Until(() => xmessage.HasExited);
                // GLM-4.5V PC: the half-size history screenshots (at most 4) come first, the current one is the last part.
                var images = messages.SelectMany(m => m.Contents).OfType<DataContent>().ToList();
                Assert.Equal(Math.Min(call, 4) + 1, images.Count);
                Assert.All(images.SkipLast(1), h => Assert.Equal(640, Screens.Screenshot.FromEncoded(h.Data.ToArray()).Width));
                var shot = Screens.Screenshot.FromEncoded(images[^1].Data.ToArray());
                states.Add(new DesktopState(call, Read(file), xmessage.HasExited ? xmessage.ExitCode : null, shot.Width, shot.Height));
                return script[call];
            });
            var agent = new GuiAgent(client, PcBuilder(), display.CreateExecutor(),
                new GuiAgentOptions { DelayAfterAction = TimeSpan.FromMilliseconds(100), MaxSteps = 8 });

            var run = await agent.RunAsync("Write 'agent' into the file with the terminal, then confirm the dialog.", TestContext.Current.CancellationToken);

            Assert.True(run.Status == GuiAgentStatus.Completed, $"{run.Status}: {run.Message} {run.Error}");
            Assert.Equal("desktop", run.Platform);
            Assert.Equal(5, run.Steps.Count);
            Assert.Equal([GuiActionKind.Click, GuiActionKind.TypeText, GuiActionKind.Key, GuiActionKind.Click, GuiActionKind.Finish],
                run.Steps.Select(s => s.Action!.Kind));
            Assert.All(run.Steps.Take(4), s => Assert.True(s.Executed && s.Outcome!.Succeeded, s.Outcome?.Message));
            Assert.All(run.Steps, s => Assert.Equal((XvfbDisplay.Width, XvfbDisplay.Height), (s.Observation!.Screenshot.Width, s.Observation.Screenshot.Height)));

            Assert.Equal(
            [
                new DesktopState(0, null, null, XvfbDisplay.Width, XvfbDisplay.Height),   // start
                new DesktopState(1, null, null, XvfbDisplay.Width, XvfbDisplay.Height),   // after the click into the terminal
                new DesktopState(2, null, null, XvfbDisplay.Width, XvfbDisplay.Height),   // typed, not yet run
                new DesktopState(3, "agent\n", null, XvfbDisplay.Width, XvfbDisplay.Height), // Enter ran it
                new DesktopState(4, "agent\n", 10, XvfbDisplay.Width, XvfbDisplay.Height),   // Yes closed the dialog with 10
            ], states);
            Assert.False(xterm.HasExited, "the terminal is still open");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string? Read(string file) => File.Exists(file) ? File.ReadAllText(file) : null;

    private static void Until(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < Settle) Thread.Sleep(25);
    }
}
