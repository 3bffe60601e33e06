using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.Connector;

/// <summary>A backend over a <see cref="Glm4vEngineHolder"/>: nothing is loaded until a request needs the model.</summary>
internal sealed class LazyEngineBackend(Glm4vEngineHolder holder) : IGenerationBackend
{
    public Glm4vEngineHolder Holder { get; } = holder;
    public Glm4vEngine Engine => Holder.Engine;
    public Glm4vProcessor Processor => Engine.Processor;
    public string ModelDirectory => Holder.ModelDirectory;
    public IAsyncEnumerable<GeneratedToken> GenerateAsync(ModelInputs inputs, SamplingOptions options, CancellationToken cancellationToken) =>
        Engine.GenerateAsync(inputs, options, cancellationToken);
}
