using System.Net;

namespace Glm4vSK.LocalEngine.Hub;

/// <summary>
/// The transfers of one model download: HEAD every missing file, check the disk has room, transfer each blob once
/// (bounded parallelism) into <c>blobs/{etag}.incomplete</c> with resume and retries, verify its size and hash, move it
/// into place and only then link it into the snapshot.
/// </summary>
internal sealed class HubDownloadSession(HubHttp http, HubRepoCache cache, HubOptions options, string repoId, string commit,
    IProgress<HubDownloadProgress>? progress, CancellationToken ct)
{
    const int BufferSize = 1 << 16;
    const long ReportEvery = 256 << 10; // often enough for a progress bar, rare enough for a multi-GB shard
    long _bytesDone;
    long _bytesTotal;
    bool _totalUnknown;

    sealed record Plan(string File, string Pointer, HubFileMetadata? Metadata, long? CachedSize);

    /// <summary>Brings every file into the snapshot of <c>commit</c>.</summary>
    public async Task FetchAsync(IReadOnlyList<string> files)
    {
        var plans = new Plan[files.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelDownloads, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), parallel, async (i, token) =>
        {
            string file = files[i];
            string pointer = cache.Pointer(commit, file);
            if (!HubPaths.IsSafeRelative(file) || !HubPaths.IsInside(cache.Snapshot(commit), pointer))
                throw new HubException(HubErrorKind.InvalidResponse, $"'{repoId}' lists the file '{file}', which would leave the snapshot folder: refused.");
            // As huggingface_hub with a commit revision: a file already in the snapshot is not asked for again.
            if (File.Exists(pointer)) { plans[i] = new Plan(file, pointer, null, LengthOf(pointer)); return; }
            try
            {
                plans[i] = new Plan(file, pointer, await HeadWithRetriesAsync(file, token).ConfigureAwait(false), null);
            }
            catch (HubException e) when (e.Kind == HubErrorKind.FileNotFound)
            {
                cache.MarkMissing(commit, file);
                throw;
            }
        }).ConfigureAwait(false);

        foreach (var p in plans)
        {
            long? size = p.CachedSize ?? p.Metadata!.Size;
            if (size is long s) Interlocked.Add(ref _bytesTotal, s); else _totalUnknown = true;
            if (p.CachedSize is long done)
            {
                Interlocked.Add(ref _bytesDone, done);
                Report(p.File, done, done);
            }
        }
        var transfers = plans.Where(p => p.Metadata is not null).GroupBy(p => p.Metadata!.Etag, StringComparer.Ordinal).ToList();
        CheckFreeSpace(transfers.Select(g => g.First()).ToList());

        await Parallel.ForEachAsync(transfers, parallel, async (group, token) =>
        {
            var first = group.First();
            string blob = cache.Blob(first.Metadata!.Etag);
            if (!File.Exists(blob)) await TransferAsync(first.File, first.Metadata, blob, token).ConfigureAwait(false);
            else Interlocked.Add(ref _bytesDone, LengthOf(blob));
            long length = LengthOf(blob);
            foreach (var p in group)
            {
                HubRepoCache.Link(blob, p.Pointer);
                if (p != first) Interlocked.Add(ref _bytesDone, length); // same content under another name: counted per file
                Report(p.File, length, p.Metadata!.Size);
            }
        }).ConfigureAwait(false);
    }

    async Task<HubFileMetadata> HeadWithRetriesAsync(string file, CancellationToken token)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await http.HeadAsync(repoId, commit, file, token).ConfigureAwait(false);
            }
            catch (HubException e) when (e.Kind == HubErrorKind.Network && attempt < options.MaxRetries)
            {
                await Task.Delay(RetryDelay(attempt), token).ConfigureAwait(false);
            }
        }
    }

    static TimeSpan RetryDelay(int attempt) => TimeSpan.FromMilliseconds(Math.Min(2000, 100 << Math.Min(attempt, 5)));

    static long LengthOf(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1); // follows a symlink
        return fs.Length;
    }

    void Report(string file, long fileDone, long? fileTotal) =>
        progress?.Report(new HubDownloadProgress(file, fileDone, fileTotal, Interlocked.Read(ref _bytesDone), _totalUnknown ? null : Interlocked.Read(ref _bytesTotal)));

    /// <summary>Fails before the first byte when the cache's disk cannot hold what is still to come.</summary>
    void CheckFreeSpace(List<Plan> transfers)
    {
        long needed = 0;
        foreach (var p in transfers)
        {
            string blob = cache.Blob(p.Metadata!.Etag);
            if (File.Exists(blob) || p.Metadata.Size is not long size) continue;
            var partial = new FileInfo(blob + ".incomplete");
            needed += Math.Max(0, size - (partial.Exists ? partial.Length : 0));
        }
        if (needed == 0) return;
        Directory.CreateDirectory(cache.BlobsDirectory);
        long free;
        try
        {
            free = new DriveInfo(cache.BlobsDirectory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return; // no answer from the file system: the writes themselves will tell
        }
        if (free < needed) throw DiskFull(needed, free, null);
    }

    HubException DiskFull(long needed, long? free, Exception? inner) => new(HubErrorKind.DiskFull,
        $"Not enough disk space for '{repoId}' in the cache '{cache.RepoDirectory}': {needed:N0} bytes still to download" +
        (free is long f ? $", {f:N0} free" : "") + ". Free some space (partial files are kept and resume) or set HF_HUB_CACHE to a larger disk.", null, inner);

    /// <summary>A transfer that stopped before its end (connection cut, reset or stalled): worth resuming.</summary>
    sealed class TransferCut(Exception inner) : Exception(inner.Message, inner);

    async Task TransferAsync(string file, HubFileMetadata meta, string blob, CancellationToken token)
    {
        Directory.CreateDirectory(cache.BlobsDirectory);
        string partial = blob + ".incomplete";
        long counted = 0; // this file's bytes already in _bytesDone
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await TransferOnceAsync(file, meta, partial, token, c => { Interlocked.Add(ref _bytesDone, c - counted); counted = c; }).ConfigureAwait(false);
                File.Move(partial, blob, overwrite: true);
                return;
            }
            catch (IOException e) when (HubDownloader.IsDiskFull(e) || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase))
            {
                throw DiskFull(meta.Size is long s ? s - counted : 0, null, e);
            }
            catch (Exception e) when (e is TransferCut || e is HubException { Kind: HubErrorKind.Network })
            {
                token.ThrowIfCancellationRequested();
                if (attempt >= options.MaxRetries)
                    throw new HubException(HubErrorKind.Network,
                        $"The transfer of '{file}' of '{repoId}' failed {attempt + 1} time(s) ({e.InnerException?.Message ?? e.Message}). " +
                        $"Run the download again: it resumes from '{partial}'.", (e as HubException)?.StatusCode, e);
                await Task.Delay(RetryDelay(attempt), token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Appends the rest of the file to <paramref name="partial"/> (from its length on) and checks the whole.</summary>
    async Task TransferOnceAsync(string file, HubFileMetadata meta, string partial, CancellationToken token, Action<long> setDone)
    {
        long? size = meta.Size;
        await using var fs = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize, useAsync: true);
        if (size is long s0 && fs.Length > s0) fs.SetLength(0);
        using var hash = ContentHash.For(meta.Etag, size);
        long have = fs.Length;
        await AppendPrefixAsync(hash, fs, have, token).ConfigureAwait(false); // the resumed prefix
        setDone(have);

        if (size is not long whole || have < whole)
        {
            using var response = await http.GetContentAsync(meta.Location, have, token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && size is null) { /* nothing after 'have' */ }
            else
            {
                if (!response.IsSuccessStatusCode) throw http.Error(response, repoId, commit, file);
                bool resumed = response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == have;
                if (!resumed && have > 0)
                {
                    // The server sent the whole file (or another range): start over.
                    fs.SetLength(0);
                    have = 0;
                    hash?.Restart();
                    setDone(0);
                }
                fs.Seek(have, SeekOrigin.Begin);
                Stream body;
                try { body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false); }
                catch (Exception e) when (e is IOException or HttpRequestException) { throw new TransferCut(e); }
                await using (body)
                {
                    var buffer = new byte[BufferSize];
                    long lastReport = have;
                    Report(file, have, size);
                    while (true)
                    {
                        int n;
                        try { n = await body.ReadAsync(buffer, token).ConfigureAwait(false); }
                        catch (Exception e) when (e is IOException or HttpRequestException) { throw new TransferCut(e); }
                        if (n == 0) break;
                        await fs.WriteAsync(buffer.AsMemory(0, n), token).ConfigureAwait(false);
                        hash?.Append(buffer.AsSpan(0, n));
                        have += n;
                        setDone(have);
                        if (have - lastReport >= ReportEvery) { Report(file, have, size); lastReport = have; }
                    }
                }
                await fs.FlushAsync(token).ConfigureAwait(false);
            }
        }

        if (size is long expected && have < expected)
            throw new TransferCut(new IOException($"the connection ended after {have:N0} of {expected:N0} bytes"));
        string? problem = size is long exp && have != exp ? $"{have:N0} bytes arrived where {exp:N0} were announced"
            : hash is not null && hash.Hex() is var actual && actual != meta.Etag ? $"its hash is {actual}, the hub announced {meta.Etag}"
            : null;
        if (problem is not null)
        {
            await fs.DisposeAsync().ConfigureAwait(false);
            File.Delete(partial);
            throw new HubException(HubErrorKind.ChecksumMismatch,
                $"'{file}' of '{repoId}' arrived corrupted ({problem}); it was discarded and nothing was cached. Run the download again; " +
                "if it repeats, the endpoint (HF_ENDPOINT) or a proxy alters the content.");
        }
        Report(file, have, size);
    }


    static async Task AppendPrefixAsync(ContentHash? hash, FileStream fs, long length, CancellationToken token)
    {
        if (hash is null || length == 0) return;
        fs.Seek(0, SeekOrigin.Begin);
        var buffer = new byte[BufferSize];
        for (long left = length; left > 0;)
        {
            int n = await fs.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), token).ConfigureAwait(false);
            if (n == 0) break;
            hash.Append(buffer.AsSpan(0, n));
            left -= n;
        }
    }
}
