namespace Glm4vSK.Connector.Remote;

/// <summary>
/// The time limit of one request phase (<see cref="Glm4vRemoteOptions.Timeout"/> for the whole non-streaming request
/// or a stream's headers, <see cref="Glm4vRemoteOptions.StreamIdleTimeout"/> for each wait on the next event), as a
/// token linked to the caller's. Tells a timeout apart from the caller's cancellation, which stays an
/// <see cref="OperationCanceledException"/> on the caller's token.
/// </summary>
/// <remarks>Not thread-safe; one per request.</remarks>
internal sealed class RemoteDeadline(Uri endpoint, CancellationToken caller) : IDisposable
{
    readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(caller);
    string _setting = "";
    TimeSpan _limit;

    public CancellationToken Token => _cts.Token;

    /// <summary>(Re)starts the clock: <paramref name="limit"/> from now, reported as <paramref name="setting"/>.</summary>
    public void Start(TimeSpan limit, string setting)
    {
        _limit = limit;
        _setting = setting;
        _cts.CancelAfter(limit);
    }

    /// <summary>Stops the clock (while the caller, not the server, has the turn).</summary>
    public void Pause() => _cts.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>
    /// Runs one await of the request: a cancellation the caller asked for is rethrown on the caller's token, one from
    /// this deadline (or the <see cref="HttpClient"/>'s own timeout) becomes a <see cref="Glm4vRemoteException"/>.
    /// </summary>
    public async Task<T> RunAsync<T>(Task<T> operation)
    {
        try { return await operation.ConfigureAwait(false); }
        catch (OperationCanceledException e) when (caller.IsCancellationRequested)
        {
            if (e.CancellationToken == caller) throw;
            throw new OperationCanceledException(e.Message, e, caller);
        }
        catch (OperationCanceledException e) when (_cts.IsCancellationRequested)
        {
            throw new Glm4vRemoteException(
                $"The GLM server at {endpoint} did not answer within {_setting} ({_limit}); raise Glm4vRemoteOptions.{_setting} if the server is only slow.",
                null, $"no answer within {_setting} ({_limit})", null, e);
        }
        catch (OperationCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new Glm4vRemoteException(
                $"The GLM server at {endpoint} did not answer within the HttpClient's Timeout; raise HttpClient.Timeout of the client passed in Glm4vRemoteOptions.HttpClient.",
                null, "no answer within HttpClient.Timeout", null, e);
        }
    }

    /// <inheritdoc cref="RunAsync{T}(Task{T})"/>
    public Task RunAsync(Task operation) => RunAsync(Completed(operation));

    static async Task<bool> Completed(Task operation)
    {
        await operation.ConfigureAwait(false);
        return true;
    }

    public void Dispose() => _cts.Dispose();
}
