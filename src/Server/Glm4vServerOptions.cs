using Glm4vSK.LocalEngine.Processing;

namespace Glm4vSK.Server;

/// <summary>Settings of the OpenAI-compatible endpoints (<c>app.MapGlm4vOpenAI()</c>).</summary>
public sealed record Glm4vServerOptions
{
    /// <summary>The model names requests may ask for (<c>model</c>); the first is listed first by <c>/v1/models</c>. A request without <c>model</c> gets the first.</summary>
    public IReadOnlyList<string> ServedModelNames { get; init; } = ["glm4v"];

    /// <summary>Accepted bearer tokens (<c>Authorization: Bearer KEY</c>); empty = no authentication. <c>/health</c> is always open.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>Largest request body in bytes (413 above it); images come inline as data URLs, so this bounds them too.</summary>
    public long MaxRequestBodyBytes { get; init; } = 64L << 20;

    /// <summary>Most images and videos in one request (400 above it).</summary>
    public int MaxImagesPerRequest { get; init; } = 16;

    /// <summary>Pixel budget per image the engine resizes to (<c>max_pixels</c>); null keeps the checkpoint's.</summary>
    public long? MaxPixels { get; init; }

    /// <summary>Most tokens one answer may generate: <c>max_tokens</c> above it is lowered to it, and it is the default when a request names none.</summary>
    public int MaxTokensCap { get; init; } = 4096;

    /// <summary>Most chat requests in the server at once, generating or waiting for the engine; one more gets 429 with <c>Retry-After</c>.</summary>
    public int MaxQueuedRequests { get; init; } = 256;

    /// <summary>The <c>Retry-After</c> seconds sent with 429.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>
    /// Which image/video URLs requests may carry: data URLs always; http(s) only when <see cref="MediaAccessPolicy.AllowRemoteUrls"/>
    /// (and from <see cref="MediaAccessPolicy.AllowedHosts"/>). <c>file:</c> URLs and paths are always refused (400),
    /// whatever <see cref="MediaAccessPolicy.AllowedFileRoots"/> says: a client must never read the server's files.
    /// The engine's own <see cref="ProcessorOptions.MediaAccess"/> must allow the same URLs for them to be fetched.
    /// </summary>
    public MediaAccessPolicy MediaAccess { get; init; } = MediaAccessPolicy.InlineOnly;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (ServedModelNames is not { Count: > 0 } || ServedModelNames.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException($"{nameof(ServedModelNames)} needs at least one non-empty name.");
        if (ApiKeys.Any(string.IsNullOrEmpty)) throw new ArgumentException($"{nameof(ApiKeys)} may not hold an empty key.");
        if (MaxRequestBodyBytes < 1) throw new ArgumentException($"{nameof(MaxRequestBodyBytes)} must be positive.");
        if (MaxImagesPerRequest < 0) throw new ArgumentException($"{nameof(MaxImagesPerRequest)} may not be negative.");
        if (MaxPixels is < 1) throw new ArgumentException($"{nameof(MaxPixels)} must be positive.");
        if (MaxTokensCap < 1) throw new ArgumentException($"{nameof(MaxTokensCap)} must be positive.");
        if (MaxQueuedRequests < 1) throw new ArgumentException($"{nameof(MaxQueuedRequests)} must be positive.");
        if (RetryAfterSeconds < 0) throw new ArgumentException($"{nameof(RetryAfterSeconds)} may not be negative.");
    }
}
