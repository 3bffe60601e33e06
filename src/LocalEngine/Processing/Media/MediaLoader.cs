using System.Net;
using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>Media bytes with the type they were declared or detected as.</summary>
public sealed record MediaBytes(ReadOnlyMemory<byte> Data, string? MediaType, string Origin);

/// <summary>
/// Fetches the bytes of a <see cref="DataContent"/> or <see cref="UriContent"/> under a <see cref="MediaAccessPolicy"/>:
/// local paths must be regular files under an allowed root (links resolved), URLs and every redirect hop must pass
/// the policy, and nothing larger than <see cref="MediaAccessPolicy.MaxMediaBytes"/> is read.
/// </summary>
public sealed class MediaLoader
{
    readonly MediaAccessPolicy _policy;
    readonly HttpClient? _http;
    readonly string[] _roots;

    /// <param name="http">
    /// Client for downloads. Redirects are followed here, hop by hop, only when the client does not follow them itself
    /// (<c>AllowAutoRedirect = false</c>); a client that does is still refused when it ends up somewhere not allowed.
    /// </param>
    public MediaLoader(MediaAccessPolicy? policy = null, HttpClient? http = null)
    {
        _policy = policy ?? MediaAccessPolicy.InlineOnly;
        _http = http;
        _roots = _policy.AllowedFileRoots.Select(r =>
        {
            try { return Canonical(Path.GetFullPath(r)); }
            catch (IOException e) { throw new ArgumentException($"MediaAccessPolicy.AllowedFileRoots: '{r}' cannot be resolved ({e.Message}).", nameof(policy), e); }
        }).ToArray();
    }

    public async Task<MediaBytes> LoadAsync(AIContent content, CancellationToken ct = default)
    {
        switch (content)
        {
            case DataContent d:
                if (d.Data.Length == 0) throw new InvalidMediaException("the media data is empty.", mediaType: d.MediaType);
                if (d.Data.Length > _policy.MaxMediaBytes) throw TooLarge(d.Data.Length, d.MediaType);
                return new MediaBytes(d.Data, d.MediaType, "inline data");
            case UriContent u when u.Uri.IsAbsoluteUri && u.Uri.IsFile:
                string path = ResolveLocalFile(u.Uri, u.MediaType);
                return new MediaBytes(await ReadFileAsync(path, u.MediaType, ct).ConfigureAwait(false), u.MediaType, path);
            case UriContent u:
                return await DownloadAsync(u.Uri, u.MediaType, ct).ConfigureAwait(false);
            default:
                throw new InvalidMediaException($"content of type {content.GetType().Name} is not an image or video.");
        }
    }

    /// <summary>The checked, canonical path of a local file URI (access rules, regular file and size limit applied).</summary>
    public string ResolveLocalFile(Uri uri) => ResolveLocalFile(uri, null);

    string ResolveLocalFile(Uri uri, string? mediaType)
    {
        if (!uri.IsAbsoluteUri) throw RelativeUri(uri, mediaType);
        if (!uri.IsFile) throw new InvalidMediaException($"'{uri}' is not a local file URI.", mediaType: mediaType);
        string path = CheckFile(uri.LocalPath, mediaType);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InvalidMediaException($"file '{path}' does not exist.", mediaType: mediaType);
        RegularFile.Require(path, mediaType);
        long length = new FileInfo(path).Length;
        if (length > _policy.MaxMediaBytes) throw TooLarge(length, mediaType);
        return path;
    }

    async Task<byte[]> ReadFileAsync(string path, string? mediaType, CancellationToken ct)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            byte[] data = await ReadCappedAsync(stream, mediaType, ct).ConfigureAwait(false);
            return data.Length > 0 ? data : throw new InvalidMediaException($"file '{path}' is empty.", mediaType: mediaType);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidMediaException($"file '{path}' cannot be read ({e.Message}).", mediaType: mediaType, inner: e);
        }
    }

    /// <summary>Reads to the end, refusing as soon as more than the limit arrived (sizes announced beforehand are not trusted).</summary>
    async Task<byte[]> ReadCappedAsync(Stream stream, string? mediaType, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > _policy.MaxMediaBytes) throw TooLarge(buffer.Length + n, mediaType);
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    async Task<MediaBytes> DownloadAsync(Uri uri, string? mediaType, CancellationToken ct)
    {
        if (!uri.IsAbsoluteUri) throw RelativeUri(uri, mediaType);
        CheckUrl(uri, uri);
        var http = _http ?? SharedHttp.Value;
        var current = uri;
        for (int redirects = 0; ; redirects++)
        {
            using var response = await http.GetAsync(current, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            // A caller's client may have followed redirects itself: where it ended up must pass too.
            if (response.RequestMessage?.RequestUri is { } reached && reached != current) CheckUrl(reached, uri);
            if (IsRedirect(response.StatusCode))
            {
                if (redirects >= _policy.MaxRedirects)
                    throw new InvalidMediaException($"'{uri}' redirected more than {_policy.MaxRedirects} times (MediaAccessPolicy.MaxRedirects).", mediaType: mediaType);
                var location = response.Headers.Location
                    ?? throw new InvalidMediaException($"'{current}' answered {(int)response.StatusCode} without a valid Location header.", mediaType: mediaType);
                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                CheckUrl(current, uri);
                continue;
            }
            if (!response.IsSuccessStatusCode)
                throw new InvalidMediaException($"'{current}' answered {(int)response.StatusCode} {response.ReasonPhrase}.", mediaType: mediaType);
            if (response.Content.Headers.ContentLength > _policy.MaxMediaBytes) throw TooLarge(response.Content.Headers.ContentLength.Value, mediaType);
            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            byte[] data = await ReadCappedAsync(stream, mediaType, ct).ConfigureAwait(false);
            return new MediaBytes(data, mediaType ?? response.Content.Headers.ContentType?.MediaType, current.ToString());
        }
    }

    static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MultipleChoices or HttpStatusCode.MovedPermanently
        or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>Scheme, remote access and host of a URL (the one asked for, or a hop it redirected to).</summary>
    void CheckUrl(Uri url, Uri requested)
    {
        string via = url == requested ? "" : $" (redirected from '{requested}')";
        if (url.Scheme is not ("http" or "https"))
            throw new MediaAccessDeniedException($"URI scheme '{url.Scheme}' of '{url}'{via} is not supported for media: only http and https are.", url.ToString());
        if (!_policy.AllowRemoteUrls)
            throw new MediaAccessDeniedException($"fetching '{url}'{via} is not allowed: set MediaAccessPolicy.AllowRemoteUrls (and AllowedHosts) to let the engine download media.", url.ToString());
        if (_policy.AllowedHosts.Count > 0 && !_policy.AllowedHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase))
            throw new MediaAccessDeniedException($"fetching '{url}'{via} is not allowed: host '{url.Host}' is not in MediaAccessPolicy.AllowedHosts ({string.Join(", ", _policy.AllowedHosts)}).", url.ToString());
    }

    /// <summary>The canonical path if it lies under an allowed root (symbolic links resolved), else an access error.</summary>
    string CheckFile(string path, string? mediaType)
    {
        string full;
        try { full = Canonical(Path.GetFullPath(path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidMediaException($"local file '{path}' cannot be resolved ({e.Message}): check for a symbolic link loop or an unreadable folder.", mediaType: mediaType, inner: e);
        }
        foreach (var root in _roots)
        {
            string prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
            if (full.StartsWith(prefix, StringComparison.Ordinal)) return full;
        }
        throw new MediaAccessDeniedException(
            _roots.Length == 0
                ? $"reading local file '{path}' is not allowed: add its directory to MediaAccessPolicy.AllowedFileRoots."
                : $"local file '{path}' is outside the allowed roots ({string.Join(", ", _roots)}).", path);
    }

    /// <summary>Resolves symbolic links in every component that exists, so a link cannot lead out of a root.</summary>
    static string Canonical(string full, int depth = 0)
    {
        // ResolveLinkTarget bounds one chain; links to folders that hold links recurse here, so bound that too.
        if (depth > 40) throw new IOException("too many levels of symbolic links");
        string root = Path.GetPathRoot(full) ?? "/";
        string current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is not null) current = Canonical(target.FullName, depth + 1);
            }
        }
        return current;
    }

    static InvalidMediaException RelativeUri(Uri uri, string? mediaType) =>
        new($"the URI '{uri.OriginalString}' is relative: give an absolute file URI (new Uri(Path.GetFullPath(path))) or an http(s) URL.", mediaType: mediaType);

    InvalidMediaException TooLarge(long bytes, string? mediaType) =>
        new($"the media is {Size(bytes)}, over the limit of {Size(_policy.MaxMediaBytes)} (MediaAccessPolicy.MaxMediaBytes).", mediaType: mediaType);

    static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";

    // Redirects are followed by hand so that every hop is checked against the policy.
    static readonly Lazy<HttpClient> SharedHttp = new(() =>
        new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) });
}
