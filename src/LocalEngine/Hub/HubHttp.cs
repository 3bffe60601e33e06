using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Glm4vSK.LocalEngine.Hub;

/// <summary>A repository at one commit: its hash and the files it lists (<c>siblings[].rfilename</c>).</summary>
internal sealed record HubRepoInfo(string Commit, IReadOnlyList<string> Files);

/// <summary>
/// What a HEAD on <c>/resolve/{commit}/{file}</c> tells (huggingface_hub's HfFileMetadata): the commit, the ETag
/// (X-Linked-Etag for LFS files: their sha256), the size (X-Linked-Size) and where to GET the content (the CDN
/// redirect target for LFS files, else the resolve URL).
/// </summary>
internal sealed record HubFileMetadata(string Commit, string Etag, long? Size, Uri Location);

/// <summary>
/// The HTTP side of the hub protocol as huggingface_hub speaks it. Redirects are never followed blindly: the HEAD
/// follows only relative ones (a renamed repository) so that an LFS file's headers stay visible, and the token is
/// sent only to the endpoint's own scheme, host and port, never to a CDN it redirects to.
/// </summary>
internal sealed class HubHttp : IDisposable
{
    const int MaxRedirects = 10;
    readonly HttpClient _http;
    readonly Uri _endpoint;
    readonly string? _token;

    public HubHttp(HubOptions resolved)
    {
        _endpoint = new Uri(resolved.Endpoint! + "/");
        _token = resolved.Token;
        var handler = resolved.Handler ?? new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler, disposeHandler: resolved.Handler is null) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"glm4vsk/{typeof(HubHttp).Assembly.GetName().Version?.ToString(3) ?? "0"}");
    }

    public string Endpoint => _endpoint.ToString().TrimEnd('/');

    /// <summary><c>GET {endpoint}/api/models/{repo}/revision/{revision}</c>: the commit and file list.</summary>
    public async Task<HubRepoInfo> GetRepoInfoAsync(string repoId, string revision, CancellationToken ct)
    {
        var url = new Uri(_endpoint, $"api/models/{repoId}/revision/{Uri.EscapeDataString(revision)}");
        using var response = await SendAsync(HttpMethod.Get, url, rangeFrom: 0, followRedirects: true, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw Error(response, repoId, revision, file: null);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        }
        catch (JsonException e)
        {
            throw new HubException(HubErrorKind.InvalidResponse, $"{url} did not answer with JSON: is {Endpoint} a Hugging Face hub (HF_ENDPOINT)?", (int)response.StatusCode, e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            string? sha = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("sha", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (sha is null || !HubRepoCache.IsCommit(sha))
                throw new HubException(HubErrorKind.InvalidResponse, $"{url} gave no 40-digit commit hash ('sha'): is {Endpoint} a Hugging Face hub (HF_ENDPOINT)?");
            var files = new List<string>();
            if (root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array)
                foreach (var sibling in siblings.EnumerateArray())
                    if (sibling.ValueKind == JsonValueKind.Object && sibling.TryGetProperty("rfilename", out var f) && f.ValueKind == JsonValueKind.String)
                        files.Add(f.GetString()!);
            return new HubRepoInfo(sha, files);
        }
    }

    public Uri ResolveUrl(string repoId, string commit, string file) =>
        new(_endpoint, $"{repoId}/resolve/{Uri.EscapeDataString(commit)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary><c>HEAD {endpoint}/{repo}/resolve/{commit}/{file}</c>, not following the redirect to the CDN.</summary>
    public async Task<HubFileMetadata> HeadAsync(string repoId, string commit, string file, CancellationToken ct)
    {
        var url = ResolveUrl(repoId, commit, file);
        using var response = await SendAsync(HttpMethod.Head, url, rangeFrom: 0, followRedirects: false, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (status is < 200 or >= 400) throw Error(response, repoId, commit, file);
        string? repoCommit = Header(response, "X-Repo-Commit");
        string? etag = NormalizeEtag(Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.Tag ?? Header(response, "ETag"));
        long? size = long.TryParse(Header(response, "X-Linked-Size"), out long linked) ? linked : response.Content.Headers.ContentLength;
        if (repoCommit is null)
            throw new HubException(HubErrorKind.InvalidResponse, $"HEAD {url} has no X-Repo-Commit header: is {Endpoint} a Hugging Face hub (HF_ENDPOINT)?", status);
        if (etag is null || !HubPaths.IsSafeSegment(etag))
            throw new HubException(HubErrorKind.InvalidResponse, $"HEAD {url} has no usable ETag ('{etag}'): the download could not be checked or cached.", status);
        // A redirect (3xx) points at the content: the CDN for LFS files. Otherwise the URL that answered serves it
        // (after a relative redirect, not the one asked for).
        Uri answered = response.RequestMessage?.RequestUri ?? url;
        Uri location = status >= 300 && LocationOf(response, answered, out _) is { } loc ? loc : answered;
        return new HubFileMetadata(repoCommit, etag, size, location);
    }

    /// <summary>GET of a file's content from <paramref name="rangeFrom"/> on, following redirects (the token stays with the endpoint's host).</summary>
    public Task<HttpResponseMessage> GetContentAsync(Uri url, long rangeFrom, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, url, rangeFrom, followRedirects: true, HttpCompletionOption.ResponseHeadersRead, ct);

    async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, long rangeFrom, bool followRedirects, HttpCompletionOption completion, CancellationToken ct)
    {
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, url);
            // huggingface_hub drops Authorization when the target's netloc differs from the endpoint's: a CDN URL is signed.
            if (_token is not null && SameOrigin(url, _endpoint))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            if (method == HttpMethod.Head) request.Headers.AcceptEncoding.ParseAdd("identity"); // sizes of the content as stored
            if (rangeFrom > 0) request.Headers.Range = new RangeHeaderValue(rangeFrom, null);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested)) // a connect timeout
            {
                throw new HubException(HubErrorKind.Network, $"Could not reach {url.GetLeftPart(UriPartial.Authority)} ({e.Message}). Check the network or proxy, or set HF_HUB_OFFLINE=1 to use the cache only.", null, e);
            }
            int status = (int)response.StatusCode;
            bool relative = false;
            var next = status is 301 or 302 or 303 or 307 or 308 ? LocationOf(response, url, out relative) : null;
            // A HEAD follows relative redirects only (a renamed repository, the hub's resolve cache); an absolute one
            // is the content's location (the CDN), whose headers must not replace the hub's.
            if (next is null || !(followRedirects || relative)) return response;
            response.Dispose();
            if (hop >= MaxRedirects)
                throw new HubException(HubErrorKind.InvalidResponse, $"More than {MaxRedirects} redirects from {url}.", status);
            url = next;
        }
    }

    /// <summary>
    /// The redirect target, resolved against the request's URL. Read from the raw header: on Unix a relative
    /// "/path" parsed on its own would be taken for an absolute file:// URI.
    /// </summary>
    internal static Uri? LocationOf(HttpResponseMessage response, Uri requestUrl, out bool relative)
    {
        relative = false;
        if (!response.Headers.TryGetValues("Location", out var values) || values.FirstOrDefault()?.Trim() is not { Length: > 0 } raw) return null;
        relative = !raw.StartsWith("//", StringComparison.Ordinal) && !raw.Contains("://", StringComparison.Ordinal); // urlparse(...).netloc == ""
        return Uri.TryCreate(requestUrl, raw, out var target) ? target : null;
    }

    static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    static string? Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) || r.Content.Headers.TryGetValues(name, out v) ? v.FirstOrDefault() : null;

    /// <summary>huggingface_hub's <c>_normalize_etag</c>: no weak prefix, no quotes.</summary>
    internal static string? NormalizeEtag(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        string e = etag.Trim();
        if (e.StartsWith("W/", StringComparison.Ordinal)) e = e[2..];
        e = e.Trim('"');
        return e.Length > 0 ? e : null;
    }

    /// <summary>The typed error of a failed response, from the hub's X-Error-Code header and the status, with its fix.</summary>
    public HubException Error(HttpResponseMessage response, string repoId, string revision, string? file)
    {
        int status = (int)response.StatusCode;
        string? code = Header(response, "X-Error-Code");
        string? serverMessage = Header(response, "X-Error-Message");
        string detail = serverMessage is null ? $" (HTTP {status})" : $" (HTTP {status}: {serverMessage})";
        string page = $"{Endpoint}/{repoId}";
        string tokenState = _token is null ? "no token was sent" : "the token that was sent has no access";
        if (code == "GatedRepo" || (code is null && status is 401 or 403))
            return new HubException(HubErrorKind.Unauthorized,
                $"'{repoId}' is gated or private and {tokenState}{detail}. Request access on {page} with your account, " +
                "then create an access token and set HF_TOKEN to it (or run `hf auth login`, which writes the token file).", status);
        if (code == "RepoNotFound" || (code is null && status == 404 && file is null))
            return new HubException(HubErrorKind.RepositoryNotFound,
                $"Repository '{repoId}' was not found at {Endpoint}{detail}. Check the id (organisation/name); if it is private, set HF_TOKEN to a token that can read it ({tokenState}).", status);
        if (code == "RevisionNotFound")
            return new HubException(HubErrorKind.RevisionNotFound,
                $"Revision '{revision}' does not exist in '{repoId}'{detail}: give a branch, a tag or a full commit hash that {page} has.", status);
        if (code == "EntryNotFound" || status == 404)
            return new HubException(HubErrorKind.FileNotFound,
                $"File '{file}' of '{repoId}' at revision '{revision}' was not found{detail}: the repository lists it but does not serve it; try again later or another revision.", status);
        return new HubException(HubErrorKind.Network,
            $"{Endpoint} answered HTTP {status}{(serverMessage is null ? "" : ": " + serverMessage)} for '{repoId}'{(file is null ? "" : $" file '{file}'")}. Try again later (a mirror can be set with HF_ENDPOINT).", status);
    }

    public void Dispose() => _http.Dispose();
}
