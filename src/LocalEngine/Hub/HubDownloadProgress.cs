namespace Glm4vSK.LocalEngine.Hub;

/// <summary>
/// Progress of a model download: the file being transferred (bytes done / its size) and the whole download (bytes
/// done / the sum of every file's size, null while a size is unknown). Files already in the cache count as done.
/// </summary>
public sealed record HubDownloadProgress(string File, long FileBytesDone, long? FileBytesTotal, long BytesDone, long? BytesTotal);
