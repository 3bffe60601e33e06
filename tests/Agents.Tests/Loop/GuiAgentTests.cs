using System.Text.Json.Nodes;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Tests.Support;
using Glm4vSK.Agents.Web;
using Microsoft.Extensions.AI;

namespace Glm4vSK.Agents.Tests.Loop;

public sealed class GuiAgentTests
{
    private static string Pc(string call, string memory = "[]") => $"I will act. <|begin_of_box|>{call}<|end_of_box|>\nMemory:\n{memory}";
    private static string Phone(string action) => $"<think>thinking</think><answer>{action}</answer>";
    private static readonly GuiAgentOptions Fast = new() { DelayAfterAction = TimeSpan.Zero };

    private static GuiAgentOptions With(Func<GuiAgentOptions, GuiAgentOptions> f) => f(Fast);

    [Fact]
    public async Task Runs_until_DONE_executing_each_action_at_screenshot_pixels_and_feeding_history_back()
    {
        var client = new ScriptedChatClient(
            Pc("left_click(start_box='[250,500]', element_info='OK')", "[{\"a\": 1}]"),
            Pc("type(content='hello')"),
            Pc("DONE()"));
        var builder = new MinimalPromptBuilder(GuiProtocol.GlmVPc);
        var executor = new RecordingExecutor(1280, 800);
        var run = await new GuiAgent(client, builder, executor, Fast).RunAsync("say hello");

        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.True(run.Succeeded);
        Assert.Equal(3, run.Steps.Count);
        Assert.Equal(2, executor.Executed.Count);
        Assert.Equal(new PixelPoint(320, 400), executor.Executed[0].Pixels);
        Assert.Equal(GuiActionKind.TypeText, executor.Executed[1].Action.Kind);
        Assert.Equal("hello", executor.Executed[1].Action.Text);

        // The builder saw the growing history with the raw outputs and the outcomes.
        Assert.Equal([0, 1, 2], builder.Contexts.Select(c => c.History.Count));
        var last = builder.Contexts[2].History;
        Assert.Equal(3, client.Requests.Count);
        Assert.Contains("left_click", last[0].ModelOutput);
        Assert.Equal("did left_click", last[0].Outcome!.Message);
        Assert.Equal(GuiActionKind.Click, last[0].Action!.Kind);
        // Each step observed a fresh screen: the screenshot after an action differs.
        Assert.False(last[0].Observation.Screenshot.Data.Span.SequenceEqual(last[1].Observation.Screenshot.Data.Span));
        Assert.All(run.Steps.Take(2), s => Assert.True(s.Executed));
        Assert.False(run.Steps[2].Executed);
        // The protocol's sampling was used.
        Assert.Equal(0.001f, client.Requests[0].Options!.Temperature);
    }

    [Theory]
    [InlineData(GuiProtocol.GlmVPc, "Cannot. <|begin_of_box|>FAIL()<|end_of_box|>\nMemory:\n[]")]
    [InlineData(GuiProtocol.GlmVMobile, "Memory: None\nReason: no such app\nAction: {\"action_type\": \"status\", \"goal_status\": \"infeasible\"}")]
    public async Task Infeasible_ends_the_run(GuiProtocol protocol, string output)
    {
        var run = await new GuiAgent(new ScriptedChatClient(output), new MinimalPromptBuilder(protocol), new RecordingExecutor(), Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Infeasible, run.Status);
        Assert.False(run.Succeeded);
    }

    [Fact]
    public async Task Web_ANSWER_completes_with_the_answer()
    {
        var client = new ScriptedChatClient("Thought: found it\nAction: ANSWER; <content>42 apples</content>\nMemory_Updated: {}");
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVWeb), new RecordingExecutor(), Fast).RunAsync("count");
        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.Equal("42 apples", run.Answer);
    }

    [Fact]
    public async Task Mobile_answer_is_kept_and_the_run_goes_on_to_status()
    {
        var client = new ScriptedChatClient(
            "Memory: None\nReason: r\nAction: {\"action_type\": \"answer\", \"text\": \"It is 7 pm\"}",
            "Memory: None\nReason: r\nAction: {\"action_type\": \"status\", \"goal_status\": \"complete\"}");
        var executor = new RecordingExecutor();
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVMobile), executor, Fast).RunAsync("time?");
        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.Equal("It is 7 pm", run.Answer);
        Assert.Equal(2, run.Steps.Count);
        Assert.Empty(executor.Executed);
    }

    [Fact]
    public async Task AutoGlm_finish_message_is_the_answer()
    {
        var client = new ScriptedChatClient(Phone("do(action=\"Back\")"), Phone("finish(message=\"订单已提交\")"));
        var executor = new RecordingExecutor(1080, 2400, "android");
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), executor, Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.Equal("订单已提交", run.Answer);
        Assert.Single(executor.Executed);
        Assert.Equal("android", run.Platform);
    }

    [Fact]
    public async Task Stops_at_max_steps()
    {
        var client = new ScriptedChatClient((_, _) => Pc("WAIT()"));
        var executor = new RecordingExecutor();
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVPc), executor, With(o => new() { MaxSteps = 4, DelayAfterAction = TimeSpan.Zero }))
            .RunAsync("t");
        Assert.Equal(GuiAgentStatus.MaxStepsReached, run.Status);
        Assert.Equal(4, run.Steps.Count);
        Assert.Equal(4, executor.Executed.Count);
    }

    [Fact]
    public async Task Unparsable_answers_are_kept_and_end_the_run_only_when_consecutive()
    {
        var client = new ScriptedChatClient("garbage one", "garbage two", Pc("WAIT()"), "bad 1", "bad 2", "bad 3");
        var executor = new RecordingExecutor();
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVPc), executor, Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.InvalidOutput, run.Status);
        Assert.Equal(6, run.Steps.Count);
        Assert.Single(executor.Executed);
        Assert.Equal("garbage one", run.Steps[0].RawOutput);
        Assert.False(run.Steps[0].Parse!.IsSuccess);
        Assert.False(run.Steps[0].Outcome!.Succeeded);
        Assert.Contains("could not be parsed", run.Steps[0].Outcome!.Message);
        Assert.Contains("3 times", run.Message);
    }

    [Fact]
    public async Task A_slow_model_hits_the_step_timeout_and_the_partial_trace_is_kept()
    {
        var client = new ScriptedChatClient(Pc("WAIT()"), Pc("WAIT()")) { Delay = TimeSpan.FromSeconds(30) };
        var options = new GuiAgentOptions { StepTimeout = TimeSpan.FromMilliseconds(300), DelayAfterAction = TimeSpan.Zero };
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVPc), new RecordingExecutor(), options).RunAsync("t");
        Assert.Equal(GuiAgentStatus.StepTimedOut, run.Status);
        var step = Assert.Single(run.Steps);
        Assert.Contains("waiting for the model", step.Error);
        Assert.NotNull(step.Observation);
        Assert.NotEmpty(step.Prompt);
        Assert.Null(step.RawOutput);
    }

    [Fact]
    public async Task A_slow_executor_hits_the_step_timeout()
    {
        var executor = new RecordingExecutor { ExecuteDelay = TimeSpan.FromSeconds(30) };
        // The timeout covers the model call too: long enough that a loaded machine still reaches the executor.
        var options = new GuiAgentOptions { StepTimeout = TimeSpan.FromSeconds(3), DelayAfterAction = TimeSpan.Zero };
        var run = await new GuiAgent(new ScriptedChatClient(Pc("WAIT()")), new MinimalPromptBuilder(GuiProtocol.GlmVPc), executor, options).RunAsync("t");
        Assert.Equal(GuiAgentStatus.StepTimedOut, run.Status);
        Assert.Contains("executing the action", run.Steps[0].Error);
        Assert.NotNull(run.Steps[0].Action);
    }

    [Fact]
    public async Task Cancelling_throws_an_OperationCanceledException_carrying_the_partial_run()
    {
        using var cts = new CancellationTokenSource();
        var client = new ScriptedChatClient((_, i) =>
        {
            if (i == 1) cts.CancelAfter(50);
            return Pc("WAIT()");
        });
        var executor = new RecordingExecutor { ExecuteDelay = TimeSpan.FromMilliseconds(400) };
        var agent = new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVPc), executor, Fast);
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => agent.RunAsync("t", cts.Token));
        var canceled = Assert.IsType<GuiAgentCanceledException>(ex);
        Assert.Equal(GuiAgentStatus.Canceled, canceled.Run.Status);
        Assert.Equal(2, canceled.Run.Steps.Count);
        Assert.Equal("cancelled by the caller", canceled.Run.Steps[1].Error);
        // The agent can run again afterwards.
        var again = await new GuiAgent(new ScriptedChatClient(Pc("DONE()")), new MinimalPromptBuilder(GuiProtocol.GlmVPc), executor, Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Completed, again.Status);
    }

    [Fact]
    public async Task AutoGlm_sensitive_tap_asks_and_a_refusal_stops_before_executing()
    {
        SensitiveActionRequest? asked = null;
        var client = new ScriptedChatClient(Phone("do(action=\"Tap\", element=[500,900], message=\"支付 100 元\")"));
        var executor = new RecordingExecutor(1080, 2400);
        var options = new GuiAgentOptions
        {
            DelayAfterAction = TimeSpan.Zero,
            ConfirmSensitiveAction = (r, _) => { asked = r; return ValueTask.FromResult(false); },
        };
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), executor, options).RunAsync("pay");
        Assert.NotNull(asked);
        Assert.Contains("支付 100 元", asked.Reason);
        Assert.Equal(GuiActionKind.Click, asked.Action.Kind);
        Assert.Equal(GuiAgentStatus.Declined, run.Status);
        Assert.Empty(executor.Executed);
        Assert.False(run.Steps[0].Confirmed);
    }

    [Fact]
    public async Task Confirmed_sensitive_actions_run_and_without_a_callback_they_are_refused()
    {
        string output = Phone("do(action=\"Tap\", element=[500,900], message=\"delete account\")");
        var executor = new RecordingExecutor(1080, 2400);
        var yes = new GuiAgentOptions { DelayAfterAction = TimeSpan.Zero, ConfirmSensitiveAction = (_, _) => ValueTask.FromResult(true) };
        var run = await new GuiAgent(new ScriptedChatClient(output, Phone("finish(message=\"ok\")")), new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), executor, yes).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.Single(executor.Executed);
        Assert.True(run.Steps[0].Confirmed);

        var none = await new GuiAgent(new ScriptedChatClient(output), new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), executor, Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Declined, none.Status);
        Assert.Contains("no confirmation callback", none.Message);
        Assert.Single(executor.Executed);
    }

    [Fact]
    public async Task Executor_and_custom_sensitivity_rules_are_combined()
    {
        var executor = new RecordingExecutor { Sensitivity = a => a.Kind == GuiActionKind.TypeText ? "typing into a password field" : null };
        var reasons = new List<string>();
        var options = new GuiAgentOptions
        {
            DelayAfterAction = TimeSpan.Zero,
            IsSensitive = (a, _) => a.Kind == GuiActionKind.Click ? "clicks need approval" : null,
            ConfirmSensitiveAction = (r, _) => { reasons.Add(r.Reason); return ValueTask.FromResult(true); },
        };
        var client = new ScriptedChatClient(Pc("type(content='hunter2')"), Pc("left_click(start_box='[1,1]')"), Pc("key(keys='enter')"), Pc("DONE()"));
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVPc), executor, options).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.Equal(["typing into a password field", "clicks need approval"], reasons);
        Assert.Equal(3, executor.Executed.Count);
        Assert.Null(run.Steps[2].SensitivityReason);
    }

    [Fact]
    public async Task Dry_run_records_but_never_executes_or_asks()
    {
        bool asked = false;
        var executor = new RecordingExecutor(1080, 2400);
        var options = new GuiAgentOptions
        {
            DryRun = true,
            DelayAfterAction = TimeSpan.Zero,
            ConfirmSensitiveAction = (_, _) => { asked = true; return ValueTask.FromResult(true); },
        };
        var client = new ScriptedChatClient(Phone("do(action=\"Tap\", element=[500,900], message=\"pay\")"), Phone("do(action=\"Home\")"), Phone("finish(message=\"done\")"));
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), executor, options).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.True(run.DryRun);
        Assert.Empty(executor.Executed);
        Assert.False(asked);
        Assert.NotNull(run.Steps[0].SensitivityReason);
        Assert.All(run.Steps.Take(2), s => Assert.Contains("dry run", s.Outcome!.Message));
    }

    [Fact]
    public async Task Take_over_without_a_callback_needs_the_user_and_with_one_continues()
    {
        string takeOver = Phone("do(action=\"Take_over\", message=\"请登录\")");
        var run = await new GuiAgent(new ScriptedChatClient(takeOver), new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), new RecordingExecutor(), Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.NeedsUser, run.Status);
        Assert.Contains("请登录", run.Message);

        TakeOverRequest? request = null;
        var options = new GuiAgentOptions { DelayAfterAction = TimeSpan.Zero, TakeOver = (r, _) => { request = r; return ValueTask.FromResult(true); } };
        var run2 = await new GuiAgent(new ScriptedChatClient(takeOver, Phone("finish(message=\"ok\")")), new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), new RecordingExecutor(), options).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Completed, run2.Status);
        Assert.Equal("请登录", request!.Message);

        var no = new GuiAgentOptions { DelayAfterAction = TimeSpan.Zero, TakeOver = (_, _) => ValueTask.FromResult(false) };
        var run3 = await new GuiAgent(new ScriptedChatClient(takeOver), new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), new RecordingExecutor(), no).RunAsync("t");
        Assert.Equal(GuiAgentStatus.NeedsUser, run3.Status);
    }

    [Fact]
    public async Task A_throwing_client_or_executor_ends_with_Failed_and_keeps_the_error()
    {
        var client = new ScriptedChatClient((_, i) => i == 0 ? Pc("WAIT()") : throw new HttpRequestException("server down"));
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVPc), new RecordingExecutor(), Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Failed, run.Status);
        Assert.IsType<HttpRequestException>(run.Error);
        Assert.Equal(2, run.Steps.Count);
        Assert.Contains("server down", run.Steps[1].Error);

        var broken = new RecordingExecutor { ObserveError = new InvalidOperationException("display gone") };
        var run2 = await new GuiAgent(new ScriptedChatClient(), new MinimalPromptBuilder(GuiProtocol.GlmVPc), broken, Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Failed, run2.Status);
        Assert.Contains("taking a screenshot", run2.Message);
    }

    public static TheoryData<string> ExecutorFailures => ["adb", "xdotool", "display", "web"];

    [Theory]
    [MemberData(nameof(ExecutorFailures))]
    public async Task A_broken_target_ends_with_Failed_and_keeps_the_executor_error(string which)
    {
        GuiExecutorException error = which switch
        {
            "adb" => new AdbException(AdbErrorKind.Offline, "device offline", "adb shell screencap -p", 1, "error: device offline"),
            "xdotool" => new XdotoolException("xdotool failed", ["getmouselocation"], 1, "Can't open display"),
            "display" => new X11DisplayException(":99", "display gone"),
            _ => new WebExecutorException("browser gone"),
        };
        var broken = new RecordingExecutor { ObserveError = error };
        var run = await new GuiAgent(new ScriptedChatClient(), new MinimalPromptBuilder(GuiProtocol.GlmVPc), broken, Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Failed, run.Status);
        Assert.Same(error, run.Error);
        Assert.Contains(error.Message, run.Message);
    }

    [Fact]
    public async Task Reasoning_returned_separately_is_put_back_in_front_of_the_answer()
    {
        var client = new ReasoningClient("I should finish now.", Phone("finish(message=\"x\")").Replace("<think>thinking</think>", ""));
        var run = await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.AutoGlmPhone), new RecordingExecutor(), Fast).RunAsync("t");
        Assert.Equal(GuiAgentStatus.Completed, run.Status);
        Assert.Equal("I should finish now.", run.Steps[0].Reasoning);
        Assert.StartsWith("<think>I should finish now.</think>", run.Steps[0].RawOutput);
    }

    [Fact]
    public async Task Options_override_the_protocol_sampling_and_are_not_mutated()
    {
        var chat = new ChatOptions { Temperature = 0.7f };
        var client = new ScriptedChatClient(Pc("DONE()"));
        await new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVPc), new RecordingExecutor(), new GuiAgentOptions { ChatOptions = chat }).RunAsync("t");
        Assert.Equal(0.7f, client.Requests[0].Options!.Temperature);
        Assert.NotSame(chat, client.Requests[0].Options);
    }

    [Fact]
    public async Task Overlapping_runs_on_one_agent_are_refused()
    {
        var client = new ScriptedChatClient(Pc("DONE()"), Pc("DONE()")) { Delay = TimeSpan.FromMilliseconds(300) };
        var agent = new GuiAgent(client, new MinimalPromptBuilder(GuiProtocol.GlmVPc), new RecordingExecutor(), Fast);
        var first = agent.RunAsync("a");
        await Assert.ThrowsAsync<InvalidOperationException>(() => agent.RunAsync("b"));
        Assert.Equal(GuiAgentStatus.Completed, (await first).Status);
    }

    [Fact]
    public void Bad_options_and_mismatched_parser_are_rejected()
    {
        var c = new ScriptedChatClient();
        var b = new MinimalPromptBuilder(GuiProtocol.GlmVPc);
        var e = new RecordingExecutor();
        Assert.Throws<ArgumentOutOfRangeException>(() => new GuiAgent(c, b, e, new GuiAgentOptions { MaxSteps = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GuiAgent(c, b, e, new GuiAgentOptions { StepTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new GuiAgent(c, b, e, new GuiAgentOptions { Parser = GuiActionParsers.For(GuiProtocol.GlmVWeb) }));
    }

    private sealed class ReasoningClient(string reasoning, string text) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new TextReasoningContent(reasoning), new TextContent(text)])));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
