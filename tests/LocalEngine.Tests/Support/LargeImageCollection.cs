namespace Glm4vSK.LocalEngine.Tests.Support;

/// <summary>
/// Tests that preprocess multi-megapixel images (hundreds of MB of transient buffers): run alone, after the parallel
/// tests, so they neither disturb process-wide memory measurements nor compete for the two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeImageCollection
{
    public const string Name = "Large images";
}
