// TEMPORARY stand-in for branch `hub` (Glm4vSK.LocalEngine.Hub), removed when it is merged.
namespace Glm4vSK.LocalEngine.Hub;

internal sealed record HubDownloadProgress(string File, long FileBytesDone, long? FileBytesTotal, long BytesDone, long? BytesTotal);

internal enum HubErrorKind { Unknown }

internal sealed class HubException(string message) : Glm4vException(message)
{
    public HubErrorKind Kind { get; } = HubErrorKind.Unknown;
}

internal sealed record HubOptions
{
    public static HubOptions FromEnvironment() => new();
}

internal static class HubDownloader
{
    public static Task<string> DownloadModelAsync(string repoId, string? revision = null, HubOptions? options = null,
        IProgress<HubDownloadProgress>? progress = null, CancellationToken ct = default) =>
        throw new HubException($"downloads are not wired yet ({repoId})");
}
