using Microsoft.Extensions.AI;

namespace Glm4vSK.LocalEngine.Processing;

/// <summary>Media bytes with the type they were declared or detected as.</summary>
public sealed record MediaBytes(ReadOnlyMemory<byte> Data, string? MediaType, string Origin);

/// <summary>Fetches the bytes of a <see cref="DataContent"/> or <see cref="UriContent"/> under a <see cref="MediaAccessPolicy"/>.</summary>
public sealed class MediaLoader
{
    readonly MediaAccessPolicy _policy;
    readonly HttpClient? _http;
    readonly string[] _roots;

    public MediaLoader(MediaAccessPolicy? policy = null, HttpClient? http = null)
    {
        _policy = policy ?? MediaAccessPolicy.InlineOnly;
        _http = http;
        _roots = _policy.AllowedFileRoots.Select(r => Canonical(Path.GetFullPath(r))).ToArray();
    }

    public async Task<MediaBytes> LoadAsync(AIContent content, CancellationToken ct = default)
    {
        switch (content)
        {
            case DataContent d:
                if (d.Data.Length == 0) throw new InvalidMediaException("the media data is empty.", mediaType: d.MediaType);
                if (d.Data.Length > _policy.MaxMediaBytes) throw TooLarge(d.Data.Length, d.MediaType);
                return new MediaBytes(d.Data, d.MediaType, "inline data");
            case UriContent u:
                return await LoadUriAsync(u.Uri, u.MediaType, ct).ConfigureAwait(false);
            default:
                throw new InvalidMediaException($"content of type {content.GetType().Name} is not an image or video.");
        }
    }

    async Task<MediaBytes> LoadUriAsync(Uri uri, string? mediaType, CancellationToken ct)
    {
        if (uri.IsFile || !uri.IsAbsoluteUri)
        {
            string path = CheckFile(uri.IsAbsoluteUri ? uri.LocalPath : uri.OriginalString);
            var info = new FileInfo(path);
            if (!info.Exists) throw new InvalidMediaException($"file '{path}' does not exist.", mediaType: mediaType);
            if (info.Length > _policy.MaxMediaBytes) throw TooLarge(info.Length, mediaType);
            return new MediaBytes(await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false), mediaType, path);
        }
        if (uri.Scheme is not ("http" or "https"))
            throw new MediaAccessDeniedException($"URI scheme '{uri.Scheme}' is not supported for media.", uri.ToString());
        if (!_policy.AllowRemoteUrls || (_policy.AllowedHosts.Count > 0 && !_policy.AllowedHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase)))
            throw new MediaAccessDeniedException($"fetching '{uri}' is not allowed: set MediaAccessPolicy.AllowRemoteUrls (and AllowedHosts) to let the engine download media.", uri.ToString());
        var http = _http ?? SharedHttp.Value;
        using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidMediaException($"'{uri}' answered {(int)response.StatusCode} {response.ReasonPhrase}.", mediaType: mediaType);
        if (response.Content.Headers.ContentLength > _policy.MaxMediaBytes) throw TooLarge(response.Content.Headers.ContentLength.Value, mediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > _policy.MaxMediaBytes) throw TooLarge(buffer.Length + n, mediaType);
            buffer.Write(chunk, 0, n);
        }
        return new MediaBytes(buffer.ToArray(), mediaType ?? response.Content.Headers.ContentType?.MediaType, uri.ToString());
    }

    /// <summary>The checked, canonical path of a local file URI (access rules and size limit applied).</summary>
    public string ResolveLocalFile(Uri uri)
    {
        string path = CheckFile(uri.IsAbsoluteUri ? uri.LocalPath : uri.OriginalString);
        var info = new FileInfo(path);
        if (!info.Exists) throw new InvalidMediaException($"file '{path}' does not exist.");
        if (info.Length > _policy.MaxMediaBytes) throw TooLarge(info.Length, null);
        return path;
    }

    /// <summary>The canonical path if it lies under an allowed root (symbolic links resolved), else an access error.</summary>
    string CheckFile(string path)
    {
        string full = Canonical(Path.GetFullPath(path));
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
    static string Canonical(string full)
    {
        string root = Path.GetPathRoot(full) ?? "/";
        string current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is not null) current = Canonical(target.FullName);
            }
        }
        return current;
    }

    InvalidMediaException TooLarge(long bytes, string? mediaType) =>
        new($"the media is {bytes >> 20} MiB, over the limit of {_policy.MaxMediaBytes >> 20} MiB (MediaAccessPolicy.MaxMediaBytes).", mediaType: mediaType);

    static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(60) });
}
