namespace Glm4vSK.Connector.Remote;

/// <summary>
/// A read-only pass-through stream that shows every block it reads to <see cref="Observe"/>, which throws once a limit
/// is passed: the reader above (JSON or SSE parser) then never buffers more than the limit plus one read.
/// </summary>
internal abstract class ReadLimitStream(Stream inner) : Stream
{
    /// <summary>Counts the bytes just read; throws when they pass the limit.</summary>
    protected abstract void Observe(ReadOnlySpan<byte> read);

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        Observe(buffer[..n]);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Observe(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Fails once more than <paramref name="limit"/> bytes in all have been read (a non-streaming body).</summary>
internal sealed class BodySizeLimitStream(Stream inner, long limit, Func<Exception> tooLarge) : ReadLimitStream(inner)
{
    long _total;

    protected override void Observe(ReadOnlySpan<byte> read)
    {
        _total += read.Length;
        if (_total > limit) throw tooLarge();
    }
}

/// <summary>
/// Fails once one server-sent event (its lines, without line ends, since the last blank line) passes
/// <paramref name="limit"/> bytes: bounds both a line that never ends and an event of endless <c>data:</c> lines,
/// which <see cref="System.Net.ServerSentEvents.SseParser"/> would otherwise buffer whole.
/// </summary>
internal sealed class SseEventSizeLimitStream(Stream inner, int limit, Func<Exception> tooLarge) : ReadLimitStream(inner)
{
    long _event;
    bool _lineStart = true; // at the start of a line: a line end here ends the event
    bool _afterCr;          // the last byte was CR: an LF now completes CRLF

    protected override void Observe(ReadOnlySpan<byte> read)
    {
        foreach (byte b in read)
        {
            if (b == (byte)'\n' && _afterCr)
            {
                _afterCr = false;
                continue;
            }
            _afterCr = b == (byte)'\r';
            if (b is (byte)'\r' or (byte)'\n')
            {
                if (_lineStart) _event = 0;
                _lineStart = true;
                continue;
            }
            _lineStart = false;
            if (++_event > limit) throw tooLarge();
        }
    }
}
