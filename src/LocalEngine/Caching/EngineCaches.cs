namespace Glm4vSK.LocalEngine.Caching;

/// <summary>The caches one engine keeps across requests (either may be off), disposed with the engine.</summary>
internal sealed class EngineCaches : IDisposable
{
    EngineCaches(PrefixCache? prefix, ImageEmbeddingCache? images)
    {
        Prefix = prefix;
        Images = images;
    }

    public PrefixCache? Prefix { get; }
    public ImageEmbeddingCache? Images { get; }

    /// <summary>The caches <paramref name="options"/> asks for; null when both are off.</summary>
    public static EngineCaches? For(EngineOptions options)
    {
        var prefix = options.PrefixCacheBytes > 0 ? new PrefixCache(options.PrefixCacheBytes, options.PrefixBlockTokens) : null;
        var images = options.ImageCacheBytes > 0 ? new ImageEmbeddingCache(options.ImageCacheBytes) : null;
        return prefix is null && images is null ? null : new EngineCaches(prefix, images);
    }

    public void Clear()
    {
        Prefix?.Clear();
        Images?.Clear();
    }

    public void Dispose()
    {
        Prefix?.Dispose();
        Images?.Dispose();
    }
}
