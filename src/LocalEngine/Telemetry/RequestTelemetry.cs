using System.Diagnostics;
using Microsoft.Extensions.Logging;
using N = Glm4vSK.LocalEngine.Telemetry.EngineTelemetryNames;

namespace Glm4vSK.LocalEngine.Telemetry;

/// <summary>
/// The timings of one request, from its start (its prompt's preparation, when the engine's processor made it) to its
/// end: queue wait, prefill, first and last token. The generator reports as it goes (from the batch loop's thread);
/// <see cref="Dispose"/>, on the caller's side once the generator has let go of the request, records the metrics, the
/// decode span and the request span.
/// </summary>
internal sealed class RequestTelemetry : IDisposable
{
    readonly EngineTelemetry _engine;
    readonly Activity? _activity;
    readonly DateTimeOffset _baseTime;
    readonly long _baseStamp, _started, _entered;
    readonly int _promptTokens;
    readonly PrepareTiming? _prepared;
    Activity? _prefill;
    long _admitted, _firstToken, _lastToken;
    int _steps, _outputTokens, _firstStepTokens, _reused, _computed;
    Exception? _error;
    bool _done;

    public RequestTelemetry(EngineTelemetry engine, ModelInputs inputs)
    {
        _engine = engine;
        _baseTime = DateTimeOffset.UtcNow;
        _baseStamp = _entered = Stopwatch.GetTimestamp();
        _prepared = inputs.Prepared;
        _started = _prepared?.Started ?? _entered;
        for (int i = 0; i < inputs.BatchSize; i++)
            for (int j = 0; j < inputs.Length; j++) _promptTokens += inputs.AttentionMask[i, j] != 0 ? 1 : 0;
        _activity = EngineTelemetry.StartDetached($"{N.ChatOperation} {engine.ModelName}", At(_started), engine.Tags);
        _activity?.SetTag(N.InputTokens, _promptTokens);
        if (_prepared is { } p)
            EngineTelemetry.StopAt(EngineTelemetry.StartChild(N.PrepareSpan, _activity, At(p.Started), [new(N.MediaItems, p.Images + p.Videos)]), At(p.Ended));
        engine.ActiveRequests.Add(1, engine.Tags);
    }

    /// <summary>The request span (null when nobody listens).</summary>
    public Activity? Activity => _activity;
    /// <summary>Tokens generated so far (every row, stop tokens included).</summary>
    public int OutputTokens => _outputTokens;

    DateTimeOffset At(long stamp) => _baseTime + Stopwatch.GetElapsedTime(_baseStamp, stamp);

    /// <summary>The prefill starts: the queue wait ends.</summary>
    public void PrefillStarting()
    {
        _admitted = Stopwatch.GetTimestamp();
        _engine.QueueWait.Record(Seconds(_entered, _admitted), _engine.Tags);
        _prefill = EngineTelemetry.StartChild(N.PrefillSpan, _activity);
    }

    /// <summary>The prefill ran <paramref name="computed"/> prompt tokens through the decoder and restored <paramref name="reused"/>.</summary>
    public void Prefilled(int computed, int reused)
    {
        double seconds = Seconds(_admitted, Stopwatch.GetTimestamp());
        (_computed, _reused) = (computed, reused);
        _engine.PrefillDuration.Record(seconds, _engine.Tags);
        _engine.PrefillTokens.Add(computed, _engine.Tags);
        if (seconds > 0) _engine.PrefillThroughput.Record(computed / seconds, _engine.Tags);
        _prefill?.SetTag(N.ReusedTokens, reused);
        _prefill?.SetTag("glm4vsk.prefill.tokens", computed);
        _prefill?.Dispose();
        _prefill = null;
    }

    /// <summary>Times one vision-tower run over <paramref name="items"/> pictures (null when there are none).</summary>
    public VisionScope? Vision(int items) => items == 0 ? null : new VisionScope(this, items);

    /// <summary>One step drew <paramref name="tokens"/> tokens.</summary>
    public void Accepted(int tokens)
    {
        long now = Stopwatch.GetTimestamp();
        if (_steps == 0) { _firstToken = now; _firstStepTokens = tokens; }
        _lastToken = now;
        _steps++;
        _outputTokens += tokens;
    }

    public void Fail(Exception error) => _error ??= error;

    public void Dispose()
    {
        if (_done) return;
        _done = true;
        long end = Stopwatch.GetTimestamp();
        var e = _engine;
        e.ActiveRequests.Add(-1, e.Tags);
        if (_error is not null) EngineTelemetry.SetError(_prefill, _error);
        _prefill?.Dispose();
        e.RequestDuration.Record(Seconds(_started, end), _error is null ? e.Tags : e.With(N.ErrorType, EngineTelemetry.ErrorType(_error)));
        if (_admitted != 0)
        {
            e.TokenUsage.Record(_promptTokens, e.With(N.TokenType, "input"));
            e.TokenUsage.Record(_outputTokens, e.With(N.TokenType, "output"));
        }
        double decode = _steps > 1 ? Seconds(_firstToken, _lastToken) : 0;
        if (_error is null && _steps > 0)
        {
            e.TimeToFirstToken.Record(Seconds(_started, _firstToken), e.Tags);
            if (_steps > 1)
            {
                e.TimePerOutputToken.Record(decode / (_steps - 1), e.Tags);
                if (decode > 0) e.DecodeThroughput.Record((_outputTokens - _firstStepTokens) / decode, e.Tags);
            }
        }
        if (_steps > 1)
            EngineTelemetry.StopAt(EngineTelemetry.StartChild(N.DecodeSpan, _activity, At(_firstToken),
                [new(N.OutputTokens, _outputTokens - _firstStepTokens), new("glm4vsk.decode.steps", _steps - 1)]), At(_lastToken));
        if (_activity is not null)
        {
            _activity.SetTag(N.OutputTokens, _outputTokens);
            if (_error is not null) EngineTelemetry.SetError(_activity, _error);
            EngineTelemetry.StopAt(_activity, At(end));
        }
        Log(end);
    }

    void Log(long end)
    {
        var logger = _engine.Logger;
        string? prompt = _engine.LogPromptText ? _prepared?.Text ?? $"({_promptTokens} prompt token ids, no rendered text)" : null;
        if (_error is OperationCanceledException)
            EngineLog.RequestCancelled(logger, _outputTokens, Seconds(_started, end));
        else if (_error is not null)
            EngineLog.RequestFailed(logger, _error, EngineTelemetry.ErrorType(_error), _promptTokens, _outputTokens, Seconds(_started, end));
        else
            EngineLog.RequestCompleted(logger, _promptTokens, _reused, _outputTokens,
                _steps > 0 ? Seconds(_started, _firstToken) : 0, Seconds(_started, end));
        if (prompt is not null) EngineLog.RequestPrompt(logger, _error is null or OperationCanceledException ? LogLevel.Debug : LogLevel.Warning, prompt);
    }

    static double Seconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalSeconds;

    /// <summary>The vision span and duration of one prefill's pictures.</summary>
    internal sealed class VisionScope : IDisposable
    {
        readonly RequestTelemetry _request;
        readonly long _start = Stopwatch.GetTimestamp();
        readonly Activity? _span;

        public VisionScope(RequestTelemetry request, int items)
        {
            _request = request;
            _span = EngineTelemetry.StartChild(N.VisionSpan, request._prefill ?? request._activity, tags: [new(N.MediaItems, items)]);
        }

        public void Dispose()
        {
            _request._engine.VisionDuration.Record(Seconds(_start, Stopwatch.GetTimestamp()), _request._engine.Tags);
            _span?.Dispose();
        }
    }
}
