using Glm4vSK.LocalEngine;

namespace Glm4vSK.Connector;

/// <summary>
/// The engine of one DI registration: loaded on first use (the first request, or <c>GetService(typeof(Glm4vEngine))</c>),
/// once, and disposed with the container that created this holder. A failed load is not cached: the next use tries again.
/// </summary>
internal sealed class Glm4vEngineHolder(string modelPath, EngineOptions options) : IDisposable, IAsyncDisposable
{
    readonly Lock _gate = new();
    Glm4vEngine? _engine;
    bool _disposed;

    public string ModelPath { get; } = modelPath;
    public EngineOptions Options { get; } = options;
    public bool IsLoaded => Volatile.Read(ref _engine) is not null;

    public Glm4vEngine Engine
    {
        get
        {
            if (Volatile.Read(ref _engine) is { } loaded) return loaded;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _engine ??= Glm4vEngine.Load(ModelPath, Options);
            }
        }
    }

    /// <summary>The model directory for metadata, without loading (the path as given when it does not resolve yet).</summary>
    public string ModelDirectory
    {
        get
        {
            if (Volatile.Read(ref _engine) is { } loaded) return loaded.ModelDirectory;
            try
            {
                return ModelLocator.Resolve(ModelPath);
            }
            catch (Glm4vException)
            {
                return ModelPath; // the error surfaces, with its explanation, when the engine loads
            }
        }
    }

    public void Dispose()
    {
        Glm4vEngine? engine;
        lock (_gate)
        {
            _disposed = true;
            engine = _engine;
            _engine = null;
        }
        engine?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
