using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Tests.Support;

namespace Glm4vSK.Agents.Tests.Android;

/// <summary>
/// Acceptance: whole <see cref="GuiAgent"/> runs with <see cref="Executors.AdbDeviceExecutor"/>, the real adb client,
/// <see cref="FakeAdbServer"/> as the phone and a scripted model answering AutoGLM-Phone outputs. The phone's state
/// is read at every model call, i.e. after each executed step.
/// </summary>
/// <remarks>
/// The prompt is the real AutoGLM-Phone one (multi-turn, only the current screenshot attached).
/// </remarks>
public sealed class PhoneAgentLoopTests
{
    /// <summary>The phone as model call <see cref="Call"/> found it.</summary>
    private sealed record PhoneState(int Call, string Foreground, string Text, int Taps);

    private static string Phone(string thinking, string action) => $"<think>{thinking}</think><answer>{action}</answer>";

    private static IGuiPromptBuilder Builder() => new AutoGlmPhonePromptBuilder();

    private static GuiAgentOptions Options(Func<SensitiveActionRequest, CancellationToken, ValueTask<bool>>? confirm) => new()
    {
        DelayAfterAction = TimeSpan.Zero,
        MaxSteps = 10,
        ConfirmSensitiveAction = confirm,
    };

    private static ScriptedChatClient Script(FakeAdbServer fake, List<PhoneState> states, string[] replies) =>
        new((messages, call) =>
        {
            states.Add(new PhoneState(call, fake.ForegroundPackage, fake.Text, fake.Taps.Count));
            return replies[call];
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Agent_launches_an_app_searches_and_the_user_decides_on_the_sensitive_tap(bool userAccepts)
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var states = new List<PhoneState>();
        string[] replies =
        [
            Phone("The home screen is shown. I open Xiaohongshu.", "do(action=\"Launch\", app=\"小红书\")"),
            Phone("Xiaohongshu is open. I tap the search box at the top.", "do(action=\"Tap\", element=[500,60])"),
            Phone("The search box has focus. I type the query.", "do(action=\"Type\", text=\"咖啡 \"推荐\"\")"),
            Phone("Results are shown. Buying needs confirmation.", "do(action=\"Tap\", element=[880,940], message=\"确认支付 ¥25\")"),
            Phone("The order is placed.", "finish(message=\"已下单\")"),
        ];
        var client = Script(fake, states, replies);
        var requests = new List<SensitiveActionRequest>();
        var agent = new GuiAgent(client, Builder(), AdbTool.Executor(fake), Options((request, _) =>
        {
            requests.Add(request);
            return ValueTask.FromResult(userAccepts);
        }));

        var run = await agent.RunAsync("在小红书搜索咖啡推荐并下单", TestContext.Current.CancellationToken);

        Assert.Equal("android", run.Platform);
        string xhs = "com.xingin.xhs", launcher = FakeAdbServer.LauncherPackage;
        // The phone after each step: launched, tapped the search box, typed (through ADB Keyboard), tapped "pay".
        var expected = new List<PhoneState>
        {
            new(0, launcher, "", 0),
            new(1, xhs, "", 0),
            new(2, xhs, "", 1),
            new(3, xhs, "咖啡 \"推荐\"", 1),
        };
        if (userAccepts) expected.Add(new PhoneState(4, xhs, "咖啡 \"推荐\"", 2));
        Assert.Equal(expected, states);

        // The observations the model was given: the foreground app as AutoGLM's screen_info names it.
        Assert.Equal([Executors.AdbDeviceExecutor.SystemHome, "小红书", "小红书", "小红书"], run.Steps.Take(4).Select(s => s.Observation!.CurrentApp));
        Assert.All(run.Steps, s => Assert.Equal((1080, 2400), (s.Observation!.Screenshot.Width, s.Observation.Screenshot.Height)));
        Assert.Equal([(540, 144)], fake.Taps.Take(1));
        Assert.Equal(FakeAdbServer.DefaultIme, fake.InputMethod);

        var request = Assert.Single(requests);
        Assert.Equal(3, request.StepIndex);
        Assert.Contains("确认支付 ¥25", request.Reason);
        if (userAccepts)
        {
            Assert.Equal(GuiAgentStatus.Completed, run.Status);
            Assert.Equal("已下单", run.Answer);
            Assert.Equal((950, 2256), fake.Taps[1]);
            Assert.True(run.Steps[3].Confirmed);
            Assert.True(run.Steps[3].Executed);
        }
        else
        {
            Assert.Equal(GuiAgentStatus.Declined, run.Status);
            Assert.Equal(4, run.Steps.Count);
            Assert.False(run.Steps[3].Confirmed);
            Assert.False(run.Steps[3].Executed);
            Assert.Single(fake.Taps);  // the payment tap never reached the phone
        }
    }

    [Fact]
    public async Task Unknown_app_is_reported_to_the_model_and_the_run_goes_on()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        var states = new List<PhoneState>();
        string[] replies =
        [
            Phone("Open the app.", "do(action=\"Launch\", app=\"Nonexistent Shop\")"),
            Phone("It is not installed; I go home instead.", "do(action=\"Home\")"),
            Phone("Nothing more to do.", "finish(message=\"The shop app is not available.\")"),
        ];
        var run = await new GuiAgent(Script(fake, states, replies), Builder(), AdbTool.Executor(fake), Options(null))
            .RunAsync("Open the shop", TestContext.Current.CancellationToken);

        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.False(run.Steps[0].Outcome!.Succeeded);
        Assert.Contains("Unknown app 'Nonexistent Shop'", run.Steps[0].Outcome!.Message);
        Assert.True(run.Steps[1].Outcome!.Succeeded);
        Assert.Equal(["KEYCODE_HOME"], fake.KeyEvents);
        Assert.DoesNotContain(fake.Commands, c => c.Argv[0] == "monkey");
    }

    [Fact]
    public async Task Typing_on_a_secure_screen_needs_confirmation_and_without_a_callback_is_refused()
    {
        await using var fake = FakeAdbServer.WithOneDevice();
        fake.SecureScreen = true;
        var states = new List<PhoneState>();
        string[] replies = [Phone("The payment password page is black; I type the PIN.", "do(action=\"Type\", text=\"123456\")")];
        var run = await new GuiAgent(Script(fake, states, replies), Builder(), AdbTool.Executor(fake), Options(null))
            .RunAsync("Pay", TestContext.Current.CancellationToken);

        Assert.Equal(GuiAgentStatus.Declined, run.Status);
        Assert.True(run.Steps[0].Observation!.IsSensitiveScreen);
        Assert.Contains("secure screen", run.Steps[0].SensitivityReason);
        Assert.Equal("", fake.Text);
        Assert.Empty(fake.Broadcasts);
    }
}
