using System.Threading.Channels;
using Glm4vSK.LocalEngine.Generation;
using static TorchSharp.torch;

namespace Glm4vSK.LocalEngine.Scheduling;

/// <summary>
/// One one-row request in the <see cref="BatchScheduler"/>: its inputs and sampling (its own sampler and seed), its
/// generator once admitted, and the channel its tokens stream through to the caller.
/// </summary>
internal sealed class SequenceRequest
{
    readonly Channel<GeneratedToken> _tokens = Channel.CreateUnbounded<GeneratedToken>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile bool _cancelled;

    public SequenceRequest(ModelInputs inputs, ResolvedSampling sampling, Action<Tensor>? onLogits)
    {
        Inputs = inputs;
        Sampling = sampling;
        OnLogits = onLogits;
    }

    public ModelInputs Inputs { get; }
    public ResolvedSampling Sampling { get; }
    /// <summary>Test hook: the fp32 logits [1, V] each token was drawn from.</summary>
    public Action<Tensor>? OnLogits { get; }
    /// <summary>The request's telemetry, handed to its generator.</summary>
    public Telemetry.RequestTelemetry? Telemetry { get; init; }
    /// <summary>Set when admitted (prefilled); disposed when the request leaves.</summary>
    public TokenGenerator? Generator { get; set; }
    public ChannelReader<GeneratedToken> Tokens => _tokens.Reader;
    public bool Cancelled => _cancelled;
    /// <summary>Completes once the scheduler holds nothing of the request (its KV cache is freed, its inputs no longer read).</summary>
    public Task Released => _released.Task;

    /// <summary>Asks the scheduler to drop the request at its next step (the caller cancelled or stopped reading).</summary>
    public void Cancel() => _cancelled = true;

    public void Write(GeneratedToken token) => _tokens.Writer.TryWrite(token);

    /// <summary>Frees the generator (storing its sequence in the prefix cache unless it faulted) and ends the stream.</summary>
    public void Finish(Exception? error = null)
    {
        try
        {
            if (error is not null) Generator?.MarkFaulted();
            Generator?.Dispose();
        }
        catch (Exception e)
        {
            error ??= e;
        }
        finally
        {
            Generator = null;
            _tokens.Writer.TryComplete(error);
            _released.TrySetResult();
        }
    }
}
