using System.Diagnostics;
using Glm4vSK.Formats.Gui;
using Glm4vSK.Agents.Executors;
using Glm4vSK.Agents.Prompts;
using Glm4vSK.Agents.Screens;
using Microsoft.Extensions.AI;
using Glm4vSK.Formats;

namespace Glm4vSK.Agents;

/// <summary>
/// A GUI agent: screenshot → prompt → <see cref="IChatClient"/> → parse → safety gate → execute → history, until the
/// model finishes, a limit is hit or the caller cancels. Works with any chat client (local engine, remote server,
/// scripted test client), any protocol (<see cref="IGuiPromptBuilder"/>) and any target (<see cref="IGuiExecutor"/>).
/// </summary>
/// <remarks>One agent may run many tasks one after another; runs on one agent must not overlap (they share the screen).</remarks>
public sealed class GuiAgent
{
    private readonly IChatClient _client;
    private readonly IGuiPromptBuilder _builder;
    private readonly IGuiExecutor _executor;
    private readonly GuiAgentOptions _options;
    private readonly IGuiActionParser _parser;
    private int _running;

    /// <summary>Creates an agent.</summary>
    public GuiAgent(IChatClient chatClient, IGuiPromptBuilder promptBuilder, IGuiExecutor executor, GuiAgentOptions? options = null)
    {
        _client = chatClient ?? throw new ArgumentNullException(nameof(chatClient));
        _builder = promptBuilder ?? throw new ArgumentNullException(nameof(promptBuilder));
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        _options = options ?? new GuiAgentOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxSteps, "options.MaxSteps");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxConsecutiveInvalidOutputs, "options.MaxConsecutiveInvalidOutputs");
        if (_options.StepTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException("options.StepTimeout", "The step timeout must be positive.");
        if (_options.DelayAfterAction < TimeSpan.Zero) throw new ArgumentOutOfRangeException("options.DelayAfterAction", "The delay must not be negative.");
        _parser = _options.Parser ?? GuiActionParsers.For(_builder.Protocol);
        if (_parser.Protocol != _builder.Protocol)
            throw new ArgumentException($"The parser reads {_parser.Protocol} but the prompt builder asks for {_builder.Protocol}.", nameof(options));
    }

    /// <summary>The prompt builder (protocol) this agent uses.</summary>
    public IGuiPromptBuilder PromptBuilder => _builder;

    /// <summary>The executor this agent drives.</summary>
    public IGuiExecutor Executor => _executor;

    /// <summary>The options.</summary>
    public GuiAgentOptions Options => _options;

    /// <summary>
    /// Runs <paramref name="task"/> to the end and returns the run with its trace. Failures of the model or the
    /// target end the run with a status (and <see cref="GuiAgentRun.Error"/>) rather than an exception, so the
    /// trace is never lost; cancelling <paramref name="cancellationToken"/> throws
    /// <see cref="GuiAgentCanceledException"/>, which carries the partial run.
    /// </summary>
    public async Task<GuiAgentRun> RunAsync(string task, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new InvalidOperationException("This agent is already running a task; runs on one agent must not overlap.");
        try
        {
            return await RunCoreAsync(task, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task<GuiAgentRun> RunCoreAsync(string task, CancellationToken cancellationToken)
    {
        var clock = _options.TimeProvider;
        var started = clock.GetLocalNow();
        var steps = new List<GuiAgentStep>();
        var history = new List<GuiHistoryStep>();
        string? answer = null;
        int invalidInARow = 0;

        GuiAgentRun Finish(GuiAgentStatus status, string message, Exception? error = null) => new()
        {
            Task = task,
            Protocol = _builder.Protocol,
            Platform = _executor.Platform,
            Status = status,
            Answer = answer,
            Message = message,
            Error = error,
            DryRun = _options.DryRun,
            Steps = steps.ToArray(),
            StartedAt = started,
            FinishedAt = clock.GetLocalNow(),
        };

        for (int index = 0; index < _options.MaxSteps; index++)
        {
            var state = new StepState(index);
            var watch = Stopwatch.StartNew();
            using var stepCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stepCts.CancelAfter(_options.StepTimeout);
            StepEnd? end;
            try
            {
                end = await RunStepAsync(task, state, history, stepCts.Token, a => answer = a).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                steps.Add(state.ToStep(watch.Elapsed, "cancelled by the caller"));
                throw new GuiAgentCanceledException(Finish(GuiAgentStatus.Canceled, $"Cancelled during step {index}."), cancellationToken);
            }
            catch (OperationCanceledException) when (stepCts.IsCancellationRequested)
            {
                string message = $"Step {index} took longer than the step timeout ({_options.StepTimeout.TotalSeconds:0.###} s) while {state.Phase}.";
                steps.Add(state.ToStep(watch.Elapsed, message));
                return Finish(GuiAgentStatus.StepTimedOut, message);
            }
            catch (Exception ex)
            {
                string message = $"Step {index} failed while {state.Phase}: {ex.GetType().Name}: {ex.Message}";
                steps.Add(state.ToStep(watch.Elapsed, message));
                return Finish(GuiAgentStatus.Failed, message, ex);
            }

            var step = state.ToStep(watch.Elapsed, null);
            steps.Add(step);
            if (state.Observation is not null && state.RawOutput is not null)
                history.Add(new GuiHistoryStep(index, state.RawOutput, state.Parse?.Action, state.Observation, state.Outcome));

            if (_options.OnStep is { } onStep)
                await onStep(step, cancellationToken).ConfigureAwait(false);

            if (state.Parse is { IsSuccess: false })
            {
                if (++invalidInARow >= _options.MaxConsecutiveInvalidOutputs)
                    return Finish(GuiAgentStatus.InvalidOutput,
                        $"The model's answer could not be parsed {invalidInARow} times in a row (last: {state.Parse.Reason}).");
            }
            else
            {
                invalidInARow = 0;
            }

            if (end is { } e) return Finish(e.Status, e.Message);
        }
        return Finish(GuiAgentStatus.MaxStepsReached, $"No final answer after {_options.MaxSteps} steps.");
    }

    private readonly record struct StepEnd(GuiAgentStatus Status, string Message);

    /// <summary>Runs one step, filling <paramref name="s"/>; returns how the run ends, or null to go on.</summary>
    private async Task<StepEnd?> RunStepAsync(string task, StepState s, List<GuiHistoryStep> history, CancellationToken ct, Action<string> setAnswer)
    {
        s.Phase = "taking a screenshot";
        var observation = await _executor.ObserveAsync(ct).ConfigureAwait(false);
        s.Observation = observation;

        s.Phase = "building the prompt";
        var context = new GuiPromptContext
        {
            Task = task,
            Current = observation,
            History = history.ToArray(),
            InitialMemory = _options.InitialMemory,
            Apps = _options.Apps,
            Notes = _options.Notes,
            WebsiteUrl = _options.WebsiteUrl,
            Now = _options.TimeProvider.GetLocalNow(),
        };
        var messages = _builder.Build(context);
        s.Prompt = messages.ToArray();

        s.Phase = "waiting for the model";
        var chatOptions = _options.ChatOptions?.Clone() ?? _builder.CreateChatOptions();
        var modelWatch = Stopwatch.StartNew();
        var response = await _client.GetResponseAsync(messages, chatOptions, ct).ConfigureAwait(false);
        s.ModelDuration = modelWatch.Elapsed;
        s.Usage = response.Usage;
        string text = response.Text;
        string reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        s.Reasoning = reasoning.Length > 0 ? reasoning : null;
        s.RawOutput = s.Reasoning is not null && !text.Contains(GlmTags.ThinkEnd, StringComparison.Ordinal)
            ? $"{GlmTags.ThinkStart}{s.Reasoning}{GlmTags.ThinkEnd}{text}"
            : text;

        s.Phase = "parsing the answer";
        var parse = _parser.Parse(s.RawOutput);
        s.Parse = parse;
        if (!parse.IsSuccess)
        {
            s.Outcome = GuiActionOutcome.Failure($"The answer could not be parsed: {parse.Reason}");
            return null;
        }
        var action = parse.Action;

        switch (action.Kind)
        {
            case GuiActionKind.Finish:
            {
                bool infeasible = !action.Succeeded;
                string? message = action.Message;
                if (message is not null) setAnswer(message);
                s.Outcome = GuiActionOutcome.Success(infeasible ? "the model declared the task infeasible" : "the model declared the task complete");
                return infeasible
                    ? new StepEnd(GuiAgentStatus.Infeasible, "The model declared the task infeasible.")
                    : new StepEnd(GuiAgentStatus.Completed, message is null ? "The model declared the task complete." : $"Finished: {message}");
            }
            case GuiActionKind.Answer:
            {
                string answer = action.Message ?? "";
                setAnswer(answer);
                s.Outcome = GuiActionOutcome.Success("answered");
                // AndroidWorld answers first and then reports status; the web protocol ends with ANSWER.
                return action.Protocol == GuiProtocol.GlmVMobile ? null : new StepEnd(GuiAgentStatus.Completed, "The model answered.");
            }
            case GuiActionKind.TakeOver or GuiActionKind.Interact:
            {
                string message = action.Message
                    ?? (action.Kind == GuiActionKind.Interact ? "The model needs the user to choose between several options." : "The model asks the user to take over.");
                if (_options.TakeOver is null)
                {
                    s.Outcome = GuiActionOutcome.Failure("no one to take over");
                    return new StepEnd(GuiAgentStatus.NeedsUser, $"The model asked for the user: {message}");
                }
                s.Phase = "waiting for the user to take over";
                bool done = await _options.TakeOver(new TakeOverRequest(s.Index, action, message, observation), ct).ConfigureAwait(false);
                s.Outcome = done ? GuiActionOutcome.Success("the user took over and handed back") : GuiActionOutcome.Failure("the user did not take over");
                return done ? null : new StepEnd(GuiAgentStatus.NeedsUser, $"The user did not take over: {message}");
            }
            case GuiActionKind.Note or GuiActionKind.CallApi:
                s.Outcome = GuiActionOutcome.Success(action.Kind == GuiActionKind.Note ? "noted" : "done");
                return null;
        }

        s.Phase = "checking whether the action is sensitive";
        string? reason = await SensitivityAsync(action, observation, ct).ConfigureAwait(false);
        s.SensitivityReason = reason;
        if (reason is not null && !_options.DryRun)
        {
            if (_options.ConfirmSensitiveAction is null)
            {
                s.Confirmed = false;
                s.Outcome = GuiActionOutcome.Failure($"refused: {reason} (no confirmation callback)");
                return new StepEnd(GuiAgentStatus.Declined, $"A sensitive action was refused because no confirmation callback is set: {reason}.");
            }
            s.Phase = "waiting for the user's confirmation";
            bool ok = await _options.ConfirmSensitiveAction(new SensitiveActionRequest(s.Index, action, reason, observation), ct).ConfigureAwait(false);
            s.Confirmed = ok;
            if (!ok)
            {
                s.Outcome = GuiActionOutcome.Failure($"the user declined: {reason}");
                return new StepEnd(GuiAgentStatus.Declined, $"The user declined a sensitive action: {reason}.");
            }
        }

        if (_options.DryRun)
        {
            s.Outcome = GuiActionOutcome.Success("dry run: not executed");
            return null;
        }

        s.Phase = "executing the action";
        s.Outcome = await _executor.ExecuteAsync(action, observation, ct).ConfigureAwait(false);
        s.Executed = true;
        if (_options.DelayAfterAction > TimeSpan.Zero)
        {
            s.Phase = "waiting for the screen to settle";
            await Task.Delay(_options.DelayAfterAction, _options.TimeProvider, ct).ConfigureAwait(false);
        }
        return null;
    }

    private async ValueTask<string?> SensitivityAsync(GuiAction action, GuiObservation observation, CancellationToken ct)
    {
        var reasons = new List<string>();
        if (action.Protocol == GuiProtocol.AutoGlmPhone && action.Kind == GuiActionKind.Click && action.Message is { Length: > 0 } m)
            reasons.Add($"the model marked this tap as sensitive: {m}");
        if (await _executor.GetSensitivityAsync(action, observation, ct).ConfigureAwait(false) is { Length: > 0 } fromTarget)
            reasons.Add(fromTarget);
        if (_options.IsSensitive?.Invoke(action, observation) is { Length: > 0 } custom)
            reasons.Add(custom);
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    private sealed class StepState(int index)
    {
        public int Index { get; } = index;
        public string Phase { get; set; } = "starting";
        public GuiObservation? Observation { get; set; }
        public IReadOnlyList<ChatMessage> Prompt { get; set; } = [];
        public string? RawOutput { get; set; }
        public string? Reasoning { get; set; }
        public GuiActionParseResult? Parse { get; set; }
        public string? SensitivityReason { get; set; }
        public bool? Confirmed { get; set; }
        public bool Executed { get; set; }
        public GuiActionOutcome? Outcome { get; set; }
        public UsageDetails? Usage { get; set; }
        public TimeSpan ModelDuration { get; set; }

        public GuiAgentStep ToStep(TimeSpan duration, string? error) => new()
        {
            Index = Index,
            Observation = Observation,
            Prompt = Prompt,
            RawOutput = RawOutput,
            Reasoning = Reasoning,
            Parse = Parse,
            SensitivityReason = SensitivityReason,
            Confirmed = Confirmed,
            Executed = Executed,
            Outcome = Outcome,
            Usage = Usage,
            ModelDuration = ModelDuration,
            Duration = duration,
            Error = error,
        };
    }
}
