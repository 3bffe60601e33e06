using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Glm4vSK.LocalEngine.Testing;

/// <summary>One request the stand-in hub received: which listener ("hub" or "cdn"), method, path and the headers that matter.</summary>
public sealed record StandInHubRequest(string Listener, string Method, string Path, string? Authorization, string? Range);

/// <summary>
/// A stand-in for the Hugging Face hub on 127.0.0.1, speaking the protocol huggingface_hub uses:
/// <c>GET /api/models/{repo}/revision/{rev}</c> (sha + siblings), <c>HEAD|GET /{repo}/resolve/{rev}/{file}</c>
/// with X-Repo-Commit and ETag (git blob sha1) for plain files, and for LFS files (*.safetensors) a 302 to a second
/// listener (the "CDN", another port, so another host for the client) with X-Linked-Etag (sha256) and X-Linked-Size;
/// Range requests; X-Error-Code errors (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo). Faults can be
/// injected per file: a connection cut mid-transfer, corrupted content, an announced size, a hidden file, a busy
/// (503) answer. BCL only, so any test project can link it:
/// <c>&lt;Compile Include="../Shared/StandInHub/*.cs" Link="Shared/StandInHub/%(Filename)%(Extension)" /&gt;</c>.
/// </summary>
public sealed class StandInHub : IAsyncDisposable
{
    readonly TcpListener _hub = new(IPAddress.Loopback, 0);
    readonly TcpListener _cdn = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly Task[] _loops;
    readonly ConcurrentDictionary<string, Repo> _repos = new(StringComparer.Ordinal);
    readonly ConcurrentQueue<StandInHubRequest> _requests = new();
    readonly ConcurrentDictionary<(string Repo, string File), long> _cuts = new();
    readonly ConcurrentDictionary<(string Repo, string File), byte> _corrupt = new();
    readonly ConcurrentDictionary<(string Repo, string File), long> _announcedSizes = new();
    readonly ConcurrentDictionary<(string Repo, string File), byte> _hidden = new();
    readonly ConcurrentDictionary<(string Repo, string File), int> _failures = new();
    int _activeTransfers;
    int _maxActiveTransfers;

    public StandInHub()
    {
        _hub.Start();
        _cdn.Start();
        _loops = [Task.Run(() => AcceptLoopAsync(_hub, "hub")), Task.Run(() => AcceptLoopAsync(_cdn, "cdn"))];
    }

    /// <summary>The hub's address, for HF_ENDPOINT / HubOptions.Endpoint.</summary>
    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_hub.LocalEndpoint).Port}";
    /// <summary>The CDN's address: LFS files are redirected there.</summary>
    public string CdnEndpoint => $"http://127.0.0.1:{((IPEndPoint)_cdn.LocalEndpoint).Port}";

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<StandInHubRequest> Requests => [.. _requests];
    public void ClearRequests() => _requests.Clear();
    /// <summary>The most file contents (GETs with a body) that were being sent at the same time.</summary>
    public int MaxConcurrentTransfers => Volatile.Read(ref _maxActiveTransfers);
    /// <summary>
    /// Plain (non-LFS) files are answered with a relative 307 to <c>/api/resolve-cache/models/{repo}/{commit}/{file}</c>
    /// on the same host, which serves them: a HEAD must follow it (and keep the token) to see the ETag.
    /// </summary>
    public bool RelativeRedirects { get; set; }
    /// <summary>A pause after each 16 KiB chunk of file content (to make transfers overlap or to cancel one midway).</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>
    /// Serves <paramref name="files"/> (repository path → content) as <paramref name="repoId"/> at one commit, reachable
    /// as "main" and each of <paramref name="tags"/>. With <paramref name="requiredToken"/> the repository is gated: its
    /// files need "Authorization: Bearer {token}" (none: 401, another: 403; the API answers anyway, as the hub does).
    /// </summary>
    public StandInHubRepo AddRepo(string repoId, IReadOnlyDictionary<string, byte[]> files, string? requiredToken = null, params string[] tags)
    {
        var repo = new Repo(repoId, new Dictionary<string, byte[]>(files, StringComparer.Ordinal), requiredToken, ["main", .. tags]);
        _repos[repoId] = repo;
        return repo.Public;
    }

    /// <summary>The top-level files of a model directory (not its subfolders such as cases/).</summary>
    public static Dictionary<string, byte[]> FilesOf(string directory) =>
        Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);

    /// <summary>The first transfer of <paramref name="file"/> that reaches byte <paramref name="afterBytes"/> is cut there (the connection closes).</summary>
    public void CutOnce(string repoId, string file, long afterBytes) => _cuts[(repoId, file)] = afterBytes;
    /// <summary>Every transfer of <paramref name="file"/> sends one byte changed, while the headers keep the true hash and size.</summary>
    public void Corrupt(string repoId, string file) => _corrupt[(repoId, file)] = 0;
    /// <summary>HEAD announces <paramref name="size"/> bytes for <paramref name="file"/> (for example more than any disk holds).</summary>
    public void AnnounceSize(string repoId, string file, long size) => _announcedSizes[(repoId, file)] = size;

    /// <summary>The next <paramref name="times"/> requests (HEAD or GET) that resolve <paramref name="file"/> answer 503.</summary>
    public void FailNext(string repoId, string file, int times = 1) => _failures[(repoId, file)] = times;

    /// <summary>The API still lists <paramref name="file"/>, but resolving it answers 404 EntryNotFound.</summary>
    public void Hide(string repoId, string file) => _hidden[(repoId, file)] = 0;

    /// <summary>LFS files, as .gitattributes usually tracks them: redirected to the CDN and named by their sha256.</summary>
    public static bool IsLfs(string file) => file.EndsWith(".safetensors", StringComparison.Ordinal) || file.EndsWith(".bin", StringComparison.Ordinal);

    /// <summary>git's blob id: sha1 over "blob {length}\0" and the content (the ETag of a plain file).</summary>
    public static string GitBlobSha1(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The blob name huggingface_hub gives a file: its sha256 when it is in LFS, else its git blob sha1.</summary>
    public static string EtagOf(string file, byte[] content) => IsLfs(file) ? Sha256(content) : GitBlobSha1(content);

    sealed class Repo
    {
        public Repo(string id, Dictionary<string, byte[]> files, string? token, string[] refs)
        {
            Id = id;
            Files = files;
            Token = token;
            var all = new StringBuilder(id);
            foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal)) all.Append('\n').Append(name).Append(' ').Append(EtagOf(name, content));
            Commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(all.ToString())));
            Refs = refs;
            Public = new StandInHubRepo(id, Commit, refs);
        }
        public string Id { get; }
        public Dictionary<string, byte[]> Files { get; }
        public string? Token { get; }
        public string Commit { get; }
        public string[] Refs { get; }
        public StandInHubRepo Public { get; }
        public bool Knows(string revision) => revision == Commit || Refs.Contains(revision);
    }

    async Task AcceptLoopAsync(TcpListener listener, string name)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        var request = await ReadRequestAsync(stream, _stop.Token);
                        if (request is null) return;
                        _requests.Enqueue(new StandInHubRequest(name, request.Method, request.Path,
                            request.Headers.GetValueOrDefault("authorization"), request.Headers.GetValueOrDefault("range")));
                        if (name == "hub") await ServeHubAsync(request, stream, _stop.Token);
                        else await ServeCdnAsync(request, stream, _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
                }
            });
        }
    }

    sealed record Request(string Method, string Path, Dictionary<string, string> Headers);

    static async Task<Request?> ReadRequestAsync(Stream s, CancellationToken ct)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 65536)
        {
            if (await s.ReadAsync(one, ct) == 0) return null;
            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n') break;
        }
        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        var first = lines[0].Split(' ');
        if (first.Length < 2) return null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        return new Request(first[0], first[1], headers);
    }

    async Task ServeHubAsync(Request r, Stream s, CancellationToken ct)
    {
        string path = r.Path.Split('?')[0];
        const string api = "/api/models/";
        if (path.StartsWith(api, StringComparison.Ordinal))
        {
            // /api/models/{org}/{name}/revision/{rev}
            var parts = path[api.Length..].Split('/');
            if (parts.Length != 4 || parts[2] != "revision") { await RespondAsync(s, 404, "Not Found", [], ct: ct); return; }
            string repoId = parts[0] + "/" + parts[1];
            string revision = Uri.UnescapeDataString(parts[3]);
            if (!_repos.TryGetValue(repoId, out var repo)) { await ErrorAsync(s, 404, "RepoNotFound", "Repository not found", null, ct); return; }
            if (!repo.Knows(revision)) { await ErrorAsync(s, 404, "RevisionNotFound", $"Invalid rev id: {revision}", null, ct); return; }
            var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
            {
                ["id"] = repo.Id,
                ["modelId"] = repo.Id,
                ["sha"] = repo.Commit,
                ["private"] = false,
                ["gated"] = repo.Token is null ? false : "manual",
                ["siblings"] = repo.Files.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new Dictionary<string, string> { ["rfilename"] = k }).ToArray(),
            });
            await RespondAsync(s, 200, "OK", [("Content-Type", "application/json")], body, ct: ct);
            return;
        }
        const string resolveCache = "/api/resolve-cache/models/";
        bool viaCache = path.StartsWith(resolveCache, StringComparison.Ordinal);
        // /{org}/{name}/resolve/{rev}/{file...} or /api/resolve-cache/models/{org}/{name}/{commit}/{file...}
        var seg = (viaCache ? path[resolveCache.Length..] : path.TrimStart('/')).Split('/');
        if (viaCache) seg = [seg[0], seg[1], "resolve", .. seg[2..]];
        if (seg.Length < 5 || seg[2] != "resolve") { await RespondAsync(s, 404, "Not Found", [], ct: ct); return; }
        string id = seg[0] + "/" + seg[1];
        string rev = Uri.UnescapeDataString(seg[3]);
        string file = string.Join('/', seg.Skip(4).Select(Uri.UnescapeDataString));
        if (!_repos.TryGetValue(id, out var rp)) { await ErrorAsync(s, 404, "RepoNotFound", "Repository not found", null, ct); return; }
        if (rp.Token is not null)
        {
            string? auth = r.Headers.GetValueOrDefault("authorization");
            if (auth is null) { await ErrorAsync(s, 401, "GatedRepo", $"Access to model {id} is restricted. You must have access to it and be authenticated to access it. Please log in.", null, ct); return; }
            if (auth != "Bearer " + rp.Token) { await ErrorAsync(s, 403, "GatedRepo", $"Access to model {id} is restricted and you are not in the authorized list.", null, ct); return; }
        }
        if (!rp.Knows(rev)) { await ErrorAsync(s, 404, "RevisionNotFound", $"Invalid rev id: {rev}", null, ct); return; }
        if (_failures.TryGetValue((id, file), out int left) && left > 0 && _failures.TryUpdate((id, file), left - 1, left))
        {
            await RespondAsync(s, 503, "Service Unavailable", [("Retry-After", "0")], "busy"u8.ToArray(), ct: ct);
            return;
        }
        if (!rp.Files.TryGetValue(file, out var content) || _hidden.ContainsKey((id, file))) { await ErrorAsync(s, 404, "EntryNotFound", $"{file} does not exist on \"{rev}\"", rp.Commit, ct); return; }
        long announced = _announcedSizes.TryGetValue((id, file), out long a) ? a : content.Length;
        var common = new List<(string, string)> { ("X-Repo-Commit", rp.Commit) };
        if (IsLfs(file))
        {
            string sha = Sha256(content);
            var redirect = Encoding.ASCII.GetBytes($"Found. Redirecting to {CdnEndpoint}/blobs/{sha}");
            common.AddRange([
                ("ETag", $"\"{GitBlobSha1(Encoding.ASCII.GetBytes($"version https://git-lfs.github.com/spec/v1\noid sha256:{sha}\nsize {content.Length}\n"))}\""),
                ("X-Linked-Etag", $"\"{sha}\""),
                ("X-Linked-Size", announced.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Location", $"{CdnEndpoint}/repos/{sha}?repo={Uri.EscapeDataString(id)}&file={Uri.EscapeDataString(file)}&X-Amz-Signature=stand-in"),
            ]);
            await RespondAsync(s, 302, "Found", common, r.Method == "HEAD" ? null : redirect, headOnlyLength: redirect.Length, ct: ct);
            return;
        }
        if (RelativeRedirects && !viaCache)
        {
            // The hub answers plain files from its resolve cache, through a relative redirect on the same host.
            common.Add(("Location", $"{resolveCache}{id}/{rp.Commit}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}"));
            await RespondAsync(s, 307, "Temporary Redirect", common, null, ct: ct);
            return;
        }
        common.Add(("ETag", $"\"{GitBlobSha1(content)}\""));
        await ServeContentAsync(r, s, id, file, content, announced, common, ct);
    }

    async Task ServeCdnAsync(Request r, Stream s, CancellationToken ct)
    {
        // /repos/{sha256}?repo=..&file=..
        var pathAndQuery = r.Path.Split('?', 2);
        var query = (pathAndQuery.Length > 1 ? pathAndQuery[1] : "").Split('&').Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        if (!query.TryGetValue("repo", out var id) || !query.TryGetValue("file", out var file)
            || !_repos.TryGetValue(id, out var repo) || !repo.Files.TryGetValue(file, out var content)
            || pathAndQuery[0] != $"/repos/{Sha256(content)}")
        {
            await RespondAsync(s, 404, "Not Found", [], ct: ct);
            return;
        }
        await ServeContentAsync(r, s, id, file, content, content.Length, [], ct);
    }

    async Task ServeContentAsync(Request r, Stream s, string repoId, string file, byte[] content, long announced, List<(string, string)> headers, CancellationToken ct)
    {
        long from = 0;
        int status = 200;
        string reason = "OK";
        if (r.Headers.TryGetValue("range", out var range) && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-')
            && long.TryParse(range[6..^1], out long start))
        {
            if (start >= content.Length)
            {
                await RespondAsync(s, 416, "Range Not Satisfiable", [.. headers, ("Content-Range", $"bytes */{content.Length}")], ct: ct);
                return;
            }
            from = start;
            status = 206;
            reason = "Partial Content";
            headers = [.. headers, ("Content-Range", $"bytes {from}-{content.Length - 1}/{content.Length}")];
        }
        headers = [.. headers, ("Accept-Ranges", "bytes")];
        if (r.Method == "HEAD")
        {
            await RespondAsync(s, status, reason, headers, null, headOnlyLength: announced - from, ct: ct);
            return;
        }
        byte[] body = content[(int)from..];
        if (_corrupt.ContainsKey((repoId, file)) && body.Length > 0)
        {
            body = (byte[])body.Clone();
            body[body.Length / 2] ^= 0x5a;
        }
        long? cutAt = _cuts.TryGetValue((repoId, file), out long cut) && cut > from && cut < content.Length && _cuts.TryRemove((repoId, file), out _) ? cut - from : null;
        int now = Interlocked.Increment(ref _activeTransfers);
        for (int seen = Volatile.Read(ref _maxActiveTransfers); now > seen; seen = Volatile.Read(ref _maxActiveTransfers))
            if (Interlocked.CompareExchange(ref _maxActiveTransfers, now, seen) == seen) break;
        bool released = false;
        try
        {
            await WriteHeadAsync(s, status, reason, headers, body.Length, ct);
            const int chunk = 16 * 1024;
            long limit = cutAt ?? body.Length;
            for (long off = 0; off < limit; off += chunk)
            {
                int n = (int)Math.Min(chunk, limit - off);
                // The transfer stops counting just before its last bytes go out: the client cannot start its next
                // transfer before it has them, so a limit of N is never seen as N + 1, while two transfers that really
                // overlap still both count during their earlier chunks.
                if (off + n >= limit && cutAt is null && !released)
                {
                    Interlocked.Decrement(ref _activeTransfers);
                    released = true;
                }
                await s.WriteAsync(body.AsMemory((int)off, n), ct);
                await s.FlushAsync(ct);
                if (ChunkDelay > TimeSpan.Zero && off + n < limit) await Task.Delay(ChunkDelay, ct);
            }
            // A cut: the connection closes (when the caller disposes the client) with the body unfinished.
            if (cutAt is null)
            {
                // Keep the connection until the client closes it (Connection: close).
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(TimeSpan.FromSeconds(10));
                try { while (await s.ReadAsync(new byte[256], wait.Token) > 0) { } }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
            }
        }
        finally
        {
            if (!released) Interlocked.Decrement(ref _activeTransfers);
        }
    }

    static Task ErrorAsync(Stream s, int status, string code, string message, string? commit, CancellationToken ct)
    {
        var headers = new List<(string, string)> { ("X-Error-Code", code), ("X-Error-Message", message) };
        if (commit is not null) headers.Add(("X-Repo-Commit", commit));
        return RespondAsync(s, status, status switch { 401 => "Unauthorized", 403 => "Forbidden", _ => "Not Found" }, headers,
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { error = message })), ct: ct);
    }

    static async Task RespondAsync(Stream s, int status, string reason, IEnumerable<(string, string)> headers, byte[]? body = null, long? headOnlyLength = null, CancellationToken ct = default)
    {
        await WriteHeadAsync(s, status, reason, headers, headOnlyLength ?? body?.Length ?? 0, ct);
        if (body is not null) await s.WriteAsync(body, ct);
        await s.FlushAsync(ct);
    }

    static Task WriteHeadAsync(Stream s, int status, string reason, IEnumerable<(string Name, string Value)> headers, long contentLength, CancellationToken ct)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {reason}\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("Content-Length: ").Append(contentLength).Append("\r\nConnection: close\r\n\r\n");
        return s.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct).AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _hub.Stop();
        _cdn.Stop();
        try { await Task.WhenAll(_loops); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}

/// <summary>A repository the stand-in hub serves: its id, its commit and the refs (branch "main" and tags) that name it.</summary>
public sealed record StandInHubRepo(string Id, string Commit, IReadOnlyList<string> Refs);
