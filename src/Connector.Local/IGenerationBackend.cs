using Glm4vSK.LocalEngine;
using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.Connector;

/// <summary>
/// What <see cref="Glm4vChatClient"/> needs from a model: its processor (tokenizer, template, media) and a token
/// stream with UTF-8-safe text deltas. The engine is the real one; tests plug in a scripted one. Internal because it
/// takes <see cref="ModelInputs"/>, which holds TorchSharp tensors: no TorchSharp type is public outside the engine.
/// </summary>
internal interface IGenerationBackend
{
    Glm4vProcessor Processor { get; }
    /// <summary>Model directory (for metadata).</summary>
    string ModelDirectory { get; }
    IAsyncEnumerable<GeneratedToken> GenerateAsync(ModelInputs inputs, SamplingOptions options, CancellationToken cancellationToken);
}

/// <summary>The local engine as a backend.</summary>
internal sealed class EngineBackend(Glm4vEngine engine) : IGenerationBackend
{
    public Glm4vEngine Engine { get; } = engine ?? throw new ArgumentNullException(nameof(engine));
    public Glm4vProcessor Processor => Engine.Processor;
    public string ModelDirectory => Engine.ModelDirectory;
    public IAsyncEnumerable<GeneratedToken> GenerateAsync(ModelInputs inputs, SamplingOptions options, CancellationToken cancellationToken) =>
        Engine.GenerateAsync(inputs, options, cancellationToken);
}
